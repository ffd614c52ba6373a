/**
 * The TFLite Model Metadata `liteship convert` writes (the same image-classifier metadata a release
 * carries): name, version, description, the input's size and normalization, and labels.txt. Labels
 * come from --labels, else the ones the saved model records, else "0".."N-1".
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { indexLabels, type ClassifierMetadataOptions } from '../tflite';
import { UsageError } from './io';

/** The flags that describe the metadata (--description also sets Model.description, so it is not one). */
export const METADATA_FLAGS = ['labels', 'name', 'version', 'mean', 'std', 'image-shape'] as const;

export type ConvertMetadataFlags = Partial<Record<(typeof METADATA_FLAGS)[number] | 'description', string>>;

export interface ResolvedMetadata {
  options: ClassifierMetadataOptions;
  /** Where the labels came from, for the summary line. */
  labelsFrom: string;
}

/** How liteship itself feeds pixels: value / 255, i.e. mean 0, std 255. */
export const DEFAULT_MEAN = [0];
export const DEFAULT_STD = [255];

function numbers(flag: string, text: string | undefined, fallback: number[]): number[] {
  if (text === undefined) return fallback;
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || text.trim() === '')) {
    throw new UsageError(`--${flag} must be a number or comma-separated numbers (one per channel), got ${JSON.stringify(text)}`);
  }
  return values;
}

/** The model's input as [height, width, channels]: its own shape, or --image-shape for a flat input. */
function imageShapeOf(model: tf.LayersModel, flag: string | undefined): [number, number, number] {
  const shape = (model.inputs[0]?.shape ?? []).slice(1);
  const given = flag?.split('x').map(Number);
  if (given !== undefined) {
    if (given.length !== 3 || !given.every((d) => Number.isInteger(d) && d > 0)) throw new UsageError(`--image-shape must be HxWxC, e.g. 28x28x1, got ${JSON.stringify(flag)}`);
    const size = shape.reduce<number>((n, d) => n * (d ?? 0), 1);
    if (given[0]! * given[1]! * given[2]! !== size) {
      throw new UsageError(`--image-shape ${flag} holds ${given[0]! * given[1]! * given[2]!} values but the model's input [${shape.join(', ')}] takes ${size}`);
    }
    return given as [number, number, number];
  }
  if (shape.length === 3 && shape.every((d) => typeof d === 'number' && d > 0)) return shape as [number, number, number];
  throw new UsageError(
    `the model's input [${shape.map((d) => d ?? '?').join(', ')}] is not an image [height, width, channels]: ` +
      'pass --image-shape HxWxC (what the values are, e.g. 28x28x1), or --no-metadata to write the file without TFLite metadata',
  );
}

/** Why the model is not an image classifier the metadata can describe as it stands (undefined: it is). */
export function classifierShapeProblem(model: tf.LayersModel): string | undefined {
  const input = (model.inputs[0]?.shape ?? []).slice(1);
  const output = model.outputs[0]?.shape ?? [];
  if (model.inputs.length !== 1 || input.length !== 3) return `its input [${input.map((d) => d ?? '?').join(', ')}] is not an image [height, width, channels]`;
  if (model.outputs.length !== 1 || output.length !== 2 || typeof output[1] !== 'number' || output[1] < 2) return `its output [${output.map((d) => d ?? '?').join(', ')}] is not one score per class`;
  return undefined;
}

/** Labels the saved model records: model.json's userDefinedMetadata.labels (tfjs setUserDefinedMetadata) or a metadata.json beside it with "labels" (Teachable Machine's export). */
async function recordedLabels(jsonPath: string): Promise<{ labels: string[]; from: string } | undefined> {
  const stringList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
  const modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as { userDefinedMetadata?: { labels?: unknown } };
  if (stringList(modelJson.userDefinedMetadata?.labels)) return { labels: modelJson.userDefinedMetadata.labels, from: `${jsonPath} (userDefinedMetadata.labels)` };
  const beside = path.join(path.dirname(jsonPath), 'metadata.json');
  const text = await readFile(beside, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let labels: unknown;
  try {
    labels = (JSON.parse(text) as { labels?: unknown }).labels;
  } catch {
    return undefined;
  }
  return stringList(labels) ? { labels, from: `${beside} (labels)` } : undefined;
}

async function labelsFile(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --labels ${file} (${err.code ?? err.message}): give a text file with one label per line, in class-index order`);
  });
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const blank = lines.findIndex((l) => l.trim().length === 0);
  if (blank >= 0) throw new UsageError(`--labels ${file}: line ${blank + 1} is empty; every class needs a label, one per line`);
  return lines;
}

/** Reads the flags (and the model's own labels) into the metadata options, checking them against the model. */
export async function resolveConvertMetadata(model: tf.LayersModel, jsonPath: string, weightBytes: Uint8Array, flags: ConvertMetadataFlags): Promise<ResolvedMetadata> {
  const imageShape = imageShapeOf(model, flags['image-shape']);
  const classes = model.outputs[0]?.shape.at(-1);
  if (typeof classes !== 'number' || classes < 2) {
    throw new UsageError(`the model's output [${model.outputs[0]?.shape.join(', ')}] is not one score per class: pass --no-metadata to write the file without image-classifier metadata`);
  }
  let labels: string[];
  let labelsFrom: string;
  const recorded = flags.labels === undefined ? await recordedLabels(jsonPath) : undefined;
  if (flags.labels !== undefined) [labels, labelsFrom] = [await labelsFile(flags.labels), flags.labels];
  else if (recorded) [labels, labelsFrom] = [recorded.labels, recorded.from];
  else [labels, labelsFrom] = [indexLabels(classes), 'class indices (no --labels, none recorded in the model)'];
  if (labels.length !== classes) {
    throw new UsageError(`${labelsFrom} has ${labels.length} labels but the model predicts ${classes} classes: give one label per class, in class-index order`);
  }
  const mean = numbers('mean', flags.mean, DEFAULT_MEAN);
  const std = numbers('std', flags.std, DEFAULT_STD);
  const channels = imageShape[2];
  for (const [flag, values] of [['mean', mean], ['std', std]] as const) {
    if (values.length !== 1 && values.length !== channels) throw new UsageError(`--${flag} has ${values.length} values; give one, or ${channels} (one per channel)`);
  }
  if (std.some((v) => v === 0)) throw new UsageError('--std must not be 0');
  const name = flags.name ?? path.basename(path.dirname(jsonPath));
  // Like a release without a version: the weights' content hash identifies the model exactly.
  const version = flags.version ?? `sha256:${createHash('sha256').update(weightBytes).digest('hex').slice(0, 12)}`;
  return {
    options: {
      name,
      version,
      ...(flags.description ? { description: flags.description } : {}),
      author: 'liteship convert',
      imageShape,
      normalization: { mean, std },
      labels,
    },
    labelsFrom,
  };
}

/**
 * What convert writes: the metadata (--no-metadata: none), or, for a model that is not an image
 * classifier and no metadata flag, none with a note saying how to add it (any model still converts).
 */
export async function convertMetadata(
  model: tf.LayersModel,
  jsonPath: string,
  weightBytes: Uint8Array,
  flags: ConvertMetadataFlags,
  none: boolean,
): Promise<{ metadata?: ResolvedMetadata; note?: string }> {
  const given = METADATA_FLAGS.filter((f) => flags[f] !== undefined);
  if (none) {
    if (given.length > 0) throw new UsageError(`--no-metadata writes no metadata, so --${given.join(', --')} would be ignored: drop one or the other`);
    return {};
  }
  const problem = classifierShapeProblem(model);
  if (problem && given.length === 0) return { note: `no TFLite metadata written: ${problem} (pass --image-shape HxWxC and --labels to describe it)` };
  return { metadata: await resolveConvertMetadata(model, jsonPath, weightBytes, flags) };
}

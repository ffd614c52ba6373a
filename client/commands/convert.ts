/**
 * `liteship convert <model.json | folder> -o <file.tflite>`: converts a TensorFlow.js
 * layers model saved with `model.save('file://folder')` into a .tflite with liteship's
 * own converter: float32, or quantized (--quantize), with a pruned model's zeros in
 * TFLite's sparse encoding (--sparse). No Python, no Temporal, no S3.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ConversionError, MetadataOptionsError, readTflite } from '../../tflite';
import { convertVariant, type QuantizationVariant } from '../../tflite/variants';
import { loadInterpreter } from '../../tflite/runtimes/tfjs-tflite-node';
import { loadCalibrationSamples } from '../calibration-file';
import { convertMetadata, METADATA_FLAGS, type ResolvedMetadata } from '../convert-metadata';
import { parseArgs, usageError } from '../args';
import { CorruptFileError } from '../errors';
import { ExitCode } from '../exit-codes';
import { UsageError, type CommandIO } from '../io';

const USAGE = `liteship convert <model.json | folder> -o <file.tflite> [--quantize float16|dynamic|int8] [--calibration <samples.npy|.idx|.csv>] [--calibration-samples N] [--int8-io] [--sparse]
                [--labels <labels.txt>] [--name <text>] [--version <text>] [--description <text>] [--mean <m[,m,m]>] [--std <s[,s,s]>] [--image-shape HxWxC] [--no-metadata]
Converts a TensorFlow.js layers model saved with model.save('file://folder') into a .tflite file
with liteship's own converter (no Python, no Temporal, no S3). The file carries TFLite Model
Metadata as a release's do (check it with liteship inspect): name, version, description, the
input image's size and normalization, and labels.txt.

Options:
  -o, --output <file>          the .tflite to write (written beside it, then renamed into place)
  --quantize <mode>            float16, dynamic (int8 weights) or int8 (weights and activations)
  --calibration <file>         representative inputs for --quantize int8 (.npy, .idx or .csv)
  --calibration-samples <n>    how many of them to use (default 300)
  --int8-io                    with --quantize int8: int8 input and output tensors too
  --sparse                     store a pruned model's zeros in TFLite's sparse encoding

Metadata:
  --labels <file>              one label per line, in class-index order. Default: the labels the
                               model records (model.json userDefinedMetadata.labels, or "labels" in
                               a metadata.json beside it), else 0..N-1
  --name <text>                model name (default: the saved model's folder name)
  --version <text>             model version (default: sha256:<first 12 hex of the weights>)
  --description <text>         the model description (also Model.description)
  --mean <m[,m,m]>             model input = (pixel - mean) / std, pixels 0-255; one value for every
  --std <s[,s,s]>              channel or one per channel. Default mean 0, std 255: pixel / 255, how
                               liteship trains (a model trained on pixel / 127.5 - 1: --mean 127.5 --std 127.5)
  --image-shape <HxWxC>        what a flat (non-image) input holds, e.g. 28x28x1 (without it such a
                               model converts with no metadata)
  --no-metadata                write no TFLite metadata`;
const QUANTIZE_MODES: Record<string, QuantizationVariant> = { none: 'float32', float16: 'float16', dynamic: 'dynamic-int8', int8: 'int8' };

interface SavedModelJson {
  format?: string;
  modelTopology?: object;
  weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** The model.json path for an argument that is either that file or the folder holding it. */
async function modelJsonPath(argument: string): Promise<string> {
  const resolved = path.resolve(argument);
  const info = await stat(resolved).catch(() => undefined);
  if (info === undefined) throw new UsageError(`${argument} does not exist: pass the model.json written by model.save('file://folder'), or that folder`);
  return info.isDirectory() ? path.join(resolved, 'model.json') : resolved;
}

/** Loads a layers model from model.json and its weight files (the tfjs file:// format), without tfjs-node. */
export async function loadSavedLayersModel(argument: string): Promise<tf.LayersModel> {
  return (await readSavedModel(argument)).model;
}

interface SavedModel {
  model: tf.LayersModel;
  jsonPath: string;
  /** The weight files' bytes, concatenated in manifest order. */
  weightData: Uint8Array;
}

async function readSavedModel(argument: string): Promise<SavedModel> {
  const jsonPath = await modelJsonPath(argument);
  const text = await readFile(jsonPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${jsonPath} (${err.code ?? err.message}): the folder must contain the model.json written by model.save('file://folder')`);
  });
  let saved: SavedModelJson;
  try {
    saved = JSON.parse(text) as SavedModelJson;
  } catch (err) {
    throw new CorruptFileError(`${jsonPath} is not valid JSON (${err instanceof Error ? err.message : String(err)}): pass the model.json written by model.save('file://folder')`);
  }
  if (saved.format === 'graph-model') {
    throw new UsageError(`${jsonPath} is a tfjs graph model (from tensorflowjs_converter); liteship converts layers models saved with model.save(). Convert the original Keras/TF model with TensorFlow's TFLiteConverter instead.`);
  }
  if (typeof saved.modelTopology !== 'object' || saved.modelTopology === null) {
    throw new UsageError(`${jsonPath} has no modelTopology: it is not a tfjs layers model saved with model.save('file://folder')`);
  }
  const folder = path.dirname(jsonPath);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of saved.weightsManifest ?? []) {
    weightSpecs.push(...group.weights);
    for (const file of group.paths) {
      const weightPath = path.join(folder, file);
      chunks.push(await readFile(weightPath).catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read weight file ${weightPath} listed in ${jsonPath} (${err.code ?? err.message}): copy the whole saved folder`);
      }));
    }
  }
  const weightData = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((offset, chunk) => (weightData.set(chunk, offset), offset + chunk.length), 0);
  checkWeightBytes(jsonPath, weightSpecs, weightData.byteLength);
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: saved.modelTopology, weightSpecs, weightData: weightData.buffer }));
    return { model, jsonPath, weightData };
  } catch (err) {
    throw new CorruptFileError(`${jsonPath} cannot be loaded as a tfjs layers model: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/**
 * The weight files must hold exactly the bytes weightsManifest declares: fewer means a truncated
 * copy (tfjs would fail deep inside with a message about tensor values), more means files from
 * another model. Skipped when an entry's size cannot be known (string tensors).
 */
function checkWeightBytes(jsonPath: string, specs: tf.io.WeightsManifestEntry[], actual: number): void {
  let expected = 0;
  for (const spec of specs) {
    const size = BYTES_PER_ELEMENT[spec.quantization?.dtype ?? spec.dtype];
    if (size === undefined || !Array.isArray(spec.shape)) return;
    expected += spec.shape.reduce((n, d) => n * d, 1) * size;
  }
  if (actual === expected) return;
  const files = 'the weight files listed in its weightsManifest';
  throw new CorruptFileError(
    actual < expected
      ? `${jsonPath}: ${files} hold ${actual} bytes but the manifest declares ${expected} bytes of weights (${specs.length} tensors): a weight file is truncated; copy the whole saved folder again or re-save the model`
      : `${jsonPath}: ${files} hold ${actual} bytes but the manifest declares ${expected} bytes of weights (${specs.length} tensors): the weight files belong to another model; re-save the model`,
  );
}

function metadataSummary({ options: o, labelsFrom }: ResolvedMetadata): string {
  const n = o.normalization ?? { mean: [0], std: [o.pixelScale ?? 1] };
  const labels = o.labels.length > 12 ? `${o.labels.slice(0, 12).join(', ')}, ...` : o.labels.join(', ');
  return [
    `TFLite metadata: name ${JSON.stringify(o.name)}, version ${JSON.stringify(o.version)} (liteship inspect shows it all)`,
    `  input ${o.imageShape.join('x')}, normalization (pixel - mean [${n.mean.join(', ')}]) / std [${n.std.join(', ')}]`,
    `  labels.txt ${o.labels.length}: ${labels} (from ${labelsFrom})`,
  ].join('\n');
}

export async function convertCommand(argv: string[], io: CommandIO): Promise<number> {
  // tfjs's production mode only silences its console advice (e.g. "install our node backend" when the
  // plain JS backend runs the calibration): third-party noise in this command's output.
  tf.enableProdMode();
  const args = parseArgs(
    argv,
    {
      string: ['output', 'description', 'quantize', 'calibration', 'calibration-samples', ...METADATA_FLAGS],
      boolean: ['int8-io', 'sparse', 'no-metadata'],
      aliases: { o: 'output' },
    },
    USAGE,
  );
  const [input, ...extra] = args.positionals;
  const output = args.flags.output;
  if (input === undefined || extra.length > 0) throw usageError('expected one model.json or folder', USAGE);
  if (typeof output !== 'string') throw usageError('-o <file.tflite> is required: where to write the model', USAGE);
  const description = typeof args.flags.description === 'string' ? args.flags.description : undefined;
  const variant = QUANTIZE_MODES[typeof args.flags.quantize === 'string' ? args.flags.quantize : 'none'];
  if (!variant) throw usageError(`--quantize must be one of float16, dynamic, int8; got ${String(args.flags.quantize)}`, USAGE);
  const calibrationFile = typeof args.flags.calibration === 'string' ? args.flags.calibration : undefined;
  if (variant === 'int8' && !calibrationFile) {
    throw new UsageError(`--quantize int8 calibrates activations on representative inputs: pass --calibration <samples.npy|.idx|.csv> (a few hundred typical inputs)`);
  }
  if (variant !== 'int8' && (calibrationFile || args.flags['int8-io'])) throw new UsageError('--calibration and --int8-io go with --quantize int8');
  const sampleCount = Number(args.flags['calibration-samples'] ?? 300);
  if (!Number.isInteger(sampleCount) || sampleCount < 1) throw new UsageError(`--calibration-samples must be a positive whole number, got ${String(args.flags['calibration-samples'])}`);

  const { model, jsonPath, weightData } = await readSavedModel(input);
  let metadata: ResolvedMetadata | undefined;
  let noMetadata: string | undefined;
  try {
    const flags = Object.fromEntries(METADATA_FLAGS.flatMap((f) => (typeof args.flags[f] === 'string' ? [[f, args.flags[f] as string]] : [])));
    ({ metadata, note: noMetadata } = await convertMetadata(model, jsonPath, weightData, { ...flags, ...(description ? { description } : {}) }, args.flags['no-metadata'] === true));
  } catch (err) {
    model.dispose();
    throw err;
  }
  let bytes: Uint8Array;
  let ioParams: string | undefined;
  let sparseLines: string[] = [];
  const start = process.hrtime.bigint();
  try {
    const inputShape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? 1);
    const calibration = calibrationFile
      ? { samples: await loadCalibrationSamples(calibrationFile, inputShape, sampleCount), load: loadInterpreter }
      : undefined;
    const sparseWeights = args.flags.sparse === true;
    const file = await convertVariant(model, variant, {
      calibration,
      int8Io: args.flags['int8-io'] === true,
      description,
      sparseWeights,
      ...(metadata ? { classifier: metadata.options } : {}),
    });
    bytes = file.bytes;
    if (file.sparse) {
      sparseLines = [
        ...file.sparse.encoded.map((w) => `  ${w.name}: sparse, ${w.sparseBytes} bytes instead of ${w.denseBytes} (${(100 * w.density).toFixed(1)}% non-zero)`),
        ...file.sparse.dense.map((w) => `  ${w.name}: dense (${w.reason})`),
      ];
      if (sparseLines.length === 0) sparseLines = ['  no FULLY_CONNECTED weights to encode'];
    }
    if (file.io && args.flags['int8-io']) {
      const tensors = [...file.io.inputs.map((p) => ({ kind: 'input', ...p })), ...file.io.outputs.map((p) => ({ kind: 'output', ...p }))];
      ioParams = tensors.map((p) => `  ${p.kind} ${p.name}: int8, real = ${p.scale} * (q - ${p.zeroPoint})`).join('\n');
    }
  } catch (err) {
    if (err instanceof MetadataOptionsError) throw new UsageError(`the TFLite metadata cannot be written: ${err.message}`);
    if (err instanceof ConversionError) {
      io.stderr(`liteship convert: ${input} cannot be converted: ${err.message}\n`);
      return ExitCode.modelProblem;
    }
    throw err;
  } finally {
    model.dispose();
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // Write beside the target, then rename: an interrupted run never leaves a truncated model.
  const target = path.resolve(output);
  const partial = `${target}.partial-${process.pid}`;
  await writeFile(partial, bytes);
  await rename(partial, target);
  const ops = readTflite(bytes).operators.map((op) => op.name);
  io.stdout(`${input} -> ${target} (${variant}): ${bytes.length} bytes, ${ops.length} ops (${[...new Set(ops)].join(', ')}), converted in ${ms.toFixed(1)} ms\n`);
  if (metadata) io.stdout(`${metadataSummary(metadata)}\n`);
  if (noMetadata) io.stdout(`${noMetadata}\n`);
  if (ioParams) io.stdout(`quantized input/output (feed the app these):\n${ioParams}\n`);
  if (sparseLines.length > 0) io.stdout(`sparse weights (--sparse):\n${sparseLines.join('\n')}\n`);
  return 0;
}

// The metadata every liteship image classifier carries: what the app needs to feed the
// model (image size, color space, how pixels are normalized) and to name its outputs
// (labels.txt), so Android's Task Library and similar loaders need no glue code.
import { FailureType, type FailureDeclaration } from '../../contracts/errors';
import { buildModelMetadata } from './build';
import { TFLITE_METADATA } from './schema';
import type { ZipEntry } from './zip';
import { appendStoredZip } from './zip';

export const LABELS_FILE = 'labels.txt';

export interface ClassifierMetadataOptions {
  /** Model name (the release's model). */
  name: string;
  description?: string;
  version: string;
  author?: string;
  license?: string;
  /** [height, width, channels] of one input image. */
  imageShape: readonly [number, number, number];
  /** Model input = pixel / pixelScale (liteship scales 0-255 pixels by 255); shorthand for mean [0], std [pixelScale]. */
  pixelScale?: number;
  /** Model input = (pixel - mean) / std, one value for every channel or one per channel (wins over pixelScale). */
  normalization?: { mean: readonly number[]; std: readonly number[] };
  /** One label per class, in class-index order. */
  labels: readonly string[];
}

export class MetadataOptionsError extends Error {
  override readonly name = 'MetadataOptionsError';
  /** Labels or normalization that do not fit the model: the same options fail again. */
  static readonly failure: FailureDeclaration = { type: FailureType.unsupportedModel, retryable: false };
}

/** Class names "0".."N-1" for datasets that carry no names. */
export function indexLabels(numClasses: number): string[] {
  return Array.from({ length: numClasses }, (_, i) => String(i));
}

function checkLabels(labels: readonly string[]): void {
  if (labels.length < 2) throw new MetadataOptionsError(`a classifier needs at least 2 labels, got ${labels.length}`);
  labels.forEach((label, i) => {
    if (label.length === 0 || /[\r\n]/.test(label)) {
      throw new MetadataOptionsError(`label #${i} ${JSON.stringify(label)} is empty or contains a line break: labels.txt holds one label per line`);
    }
  });
}

export interface ClassifierMetadataParts {
  /** The Model.metadata entry (TFLITE_METADATA) to write with the model. */
  entry: { name: string; data: Uint8Array };
  /** Files to pack after the flatbuffer (appendAssociatedFiles). */
  files: ZipEntry[];
}

function checkNormalization(opts: ClassifierMetadataOptions): { mean: number[]; std: number[] } {
  const given = opts.normalization ?? (opts.pixelScale === undefined ? undefined : { mean: [0], std: [opts.pixelScale] });
  if (!given) throw new MetadataOptionsError('say how pixels are normalized: pixelScale, or normalization { mean, std }');
  const channels = opts.imageShape[2];
  for (const [name, values] of [['mean', given.mean], ['std', given.std]] as const) {
    if (values.length !== 1 && values.length !== channels) {
      throw new MetadataOptionsError(`normalization ${name} has ${values.length} values; give one for every channel, or ${channels} (one per channel)`);
    }
    if (!values.every(Number.isFinite) || (name === 'std' && values.some((v) => v === 0))) {
      throw new MetadataOptionsError(`normalization ${name} [${values.join(', ')}] must be finite numbers${name === 'std' ? ', none 0' : ''}`);
    }
  }
  return { mean: [...given.mean], std: [...given.std] };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function classifierMetadata(opts: ClassifierMetadataOptions): ClassifierMetadataParts {
  checkLabels(opts.labels);
  const { mean, std } = checkNormalization(opts);
  const [height, width, channels] = opts.imageShape;
  const colorSpace = channels === 3 ? 'RGB' : channels === 1 ? 'GRAYSCALE' : 'UNKNOWN';
  // What the model receives for pixels 0 and 255, per channel (one value when mean and std are one).
  const perChannel = mean.length > 1 || std.length > 1 ? channels : 1;
  const at = (values: number[], c: number) => values[values.length === 1 ? 0 : c] as number;
  const bound = (pixel: number) => Array.from({ length: perChannel }, (_, c) => round((pixel - at(mean, c)) / at(std, c)));
  const formula = mean.every((m) => m === 0) && std.length === 1 ? `pixel / ${std[0]}` : `(pixel - [${mean.join(', ')}]) / [${std.join(', ')}]`;
  const data = buildModelMetadata({
    name: opts.name,
    description: opts.description ?? `Image classifier: ${opts.labels.length} classes, ${height}x${width}x${channels} input.`,
    version: opts.version,
    ...(opts.author === undefined ? {} : { author: opts.author }),
    ...(opts.license === undefined ? {} : { license: opts.license }),
    input: {
      name: 'image',
      description: `Input image to be classified: ${width}x${height}, ${colorSpace === 'UNKNOWN' ? `${channels} channels` : colorSpace}; model input = ${formula}.`,
      colorSpace,
      width,
      height,
      // liteship's own releases: (pixel - 0) / 255, exactly how it feeds pixels to the model.
      mean,
      std,
      min: bound(0),
      max: bound(255),
    },
    output: {
      name: 'probability',
      description: `Probabilities of the ${opts.labels.length} labels respectively.`,
      min: [0],
      max: [1],
      labelsFile: LABELS_FILE,
    },
  });
  const labels = new TextEncoder().encode(opts.labels.join('\n'));
  return { entry: { name: TFLITE_METADATA, data }, files: [{ name: LABELS_FILE, data: labels }] };
}

/** The model bytes followed by its associated files, packed as TFLite Support packs them. */
export function appendAssociatedFiles(model: Uint8Array, files: readonly ZipEntry[]): Uint8Array {
  return files.length === 0 ? model : appendStoredZip(model, files);
}

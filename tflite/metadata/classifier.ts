// The metadata every liteship image classifier carries: what the app needs to feed the
// model (image size, color space, how pixels are normalized) and to name its outputs
// (labels.txt), so Android's Task Library and similar loaders need no glue code.
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
  /** Model input = pixel / pixelScale (liteship scales 0-255 pixels by 255). */
  pixelScale: number;
  /** One label per class, in class-index order. */
  labels: readonly string[];
}

export class MetadataOptionsError extends Error {
  override readonly name = 'MetadataOptionsError';
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

export function classifierMetadata(opts: ClassifierMetadataOptions): ClassifierMetadataParts {
  checkLabels(opts.labels);
  const [height, width, channels] = opts.imageShape;
  const colorSpace = channels === 3 ? 'RGB' : channels === 1 ? 'GRAYSCALE' : 'UNKNOWN';
  const data = buildModelMetadata({
    name: opts.name,
    description: opts.description ?? `Image classifier: ${opts.labels.length} classes, ${height}x${width}x${channels} input.`,
    version: opts.version,
    ...(opts.author === undefined ? {} : { author: opts.author }),
    ...(opts.license === undefined ? {} : { license: opts.license }),
    input: {
      name: 'image',
      description: `Input image to be classified: ${width}x${height}, ${colorSpace === 'UNKNOWN' ? `${channels} channels` : colorSpace}; model input = pixel / ${opts.pixelScale}.`,
      colorSpace,
      width,
      height,
      // (pixel - 0) / scale is exactly how liteship feeds pixels to the model.
      mean: [0],
      std: [opts.pixelScale],
      min: [0],
      max: [255 / opts.pixelScale],
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

// Builds validated ImageSets from parsed IDX tensors and re-exports the
// dataset types and the storage encoding, so callers import one module.
import { DatasetError } from './errors';
import { parseIdx } from './idx';
import type { IdxTensor } from './idx';
import { assertNumClasses, firstLabelOutOfRange, labelRangeError } from './image-set';
import type { ImageSet } from './image-set';

export type { ImageSet, PreparedDataset } from './image-set';
export { checkImageSet, imageSize, sliceImageSet } from './image-set';

/** File names (or URIs) of an images/labels pair, used in error messages. */
export interface IdxPairNames {
  images: string;
  labels: string;
}

/**
 * Images [n, h, w] or [n, h, w, c] uint8 plus labels [n] uint8 -> ImageSet.
 * Throws DatasetError naming the offending file(s).
 */
export function imageSetFromIdx(
  images: IdxTensor,
  labels: IdxTensor,
  names: IdxPairNames,
  numClasses: number,
): ImageSet {
  assertNumClasses(numClasses);
  if (images.dtype !== 'uint8' || !(images.data instanceof Uint8Array)) {
    throw new DatasetError(
      'wrong-type',
      names.images,
      `images must be uint8 pixels 0-255 (IDX type 0x08) but the file holds ${images.dtype}. Convert the pixels to bytes and re-export.`,
    );
  }
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new DatasetError(
      'wrong-rank',
      names.images,
      `images must have 3 dimensions [count, height, width] or 4 [count, height, width, channels] but the file has ` +
        `${images.dims.length} (dims ${images.dims.join('x')}). Did you pass a labels file as images, or flattened images?`,
    );
  }
  if (labels.dtype !== 'uint8' || !(labels.data instanceof Uint8Array)) {
    throw new DatasetError(
      'wrong-type',
      names.labels,
      `labels must be uint8 class indices (IDX type 0x08) but the file holds ${labels.dtype}. Re-export the labels as bytes.`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new DatasetError(
      'wrong-rank',
      names.labels,
      `labels must have 1 dimension [count] but the file has ${labels.dims.length} (dims ${labels.dims.join('x')}). ` +
        'Did you pass an images file as labels?',
    );
  }
  for (const [t, name] of [[images, names.images], [labels, names.labels]] as const) {
    const elements = t.dims.reduce((a, d) => a * d, 1);
    if (t.data.length !== elements) {
      throw new DatasetError(
        'wrong-shape',
        name,
        `dims ${t.dims.join('x')} hold ${elements} elements but the data has ${t.data.length}. Parse the file with parseIdx.`,
      );
    }
  }
  const [count = 0, h = 0, w = 0, c = 1] = images.dims;
  const labelCount = labels.dims[0] ?? 0;
  if (count !== labelCount) {
    throw new DatasetError(
      'count-mismatch',
      names.images,
      `image/label count mismatch: ${names.images} has ${count} images but ${names.labels} has ${labelCount} labels. ` +
        'Use the labels file that belongs to these images.',
    );
  }
  const bad = firstLabelOutOfRange(labels.data, numClasses);
  if (bad >= 0) throw labelRangeError(names.labels, `label #${bad} (0-based)`, labels.data[bad] ?? 0, numClasses);
  return { images: images.data, labels: labels.data, count, imageShape: [h, w, c], numClasses };
}

/** Parses an IDX images/labels pair given as bytes (raw or gzip). */
export function imageSetFromIdxBytes(
  images: Uint8Array,
  labels: Uint8Array,
  names: IdxPairNames,
  numClasses: number,
): ImageSet {
  return imageSetFromIdx(parseIdx(images, names.images), parseIdx(labels, names.labels), names, numClasses);
}

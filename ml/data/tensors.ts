// The single place where uint8 pixels become model input: float32 pixel/255,
// shape [n, h, w, c]. Training, evaluation and the TFLite benchmark all go
// through here, so preprocessing cannot drift between them.
import * as tf from '@tensorflow/tfjs';
import { imageSize } from './image-set';
import type { Examples } from './batch-source';
import type { ImageSet } from './image-set';

export const PIXEL_SCALE = 255;

/**
 * Writes src[from + i] / 255 into out[at + i] for i < count (defaults: all of
 * src into the start of out). Offsets instead of subarrays so per-image
 * callers allocate nothing.
 */
export function normalizePixels(src: Uint8Array, out: Float32Array, from = 0, count = src.length - from, at = 0): Float32Array {
  for (let i = 0; i < count; i++) out[at + i] = (src[from + i] ?? 0) / PIXEL_SCALE;
  return out;
}

/** Images [start, end) as a float32 tensor [n, h, w, c] in [0, 1]. */
export function toInputTensor(set: ImageSet, start: number, end: number): tf.Tensor4D {
  const size = imageSize(set.imageShape);
  const n = end - start;
  const pixels = normalizePixels(set.images.subarray(start * size, end * size), new Float32Array(n * size));
  return tf.tensor4d(pixels, [n, ...set.imageShape]);
}

/** The images at `indices` (e.g. a shuffled batch) as [n, h, w, c] in [0, 1]. */
export function gatherInputTensor(set: ImageSet, indices: ArrayLike<number>): tf.Tensor4D {
  const size = imageSize(set.imageShape);
  const out = new Float32Array(indices.length * size);
  for (let k = 0; k < indices.length; k++) {
    normalizePixels(set.images, out, (indices[k] ?? 0) * size, size, k * size);
  }
  return tf.tensor4d(out, [indices.length, ...set.imageShape]);
}

/** One-hot float32 labels [n, numClasses] for the examples at `indices`. */
export function gatherLabelTensor(set: ImageSet, indices: ArrayLike<number>): tf.Tensor2D {
  const out = new Float32Array(indices.length * set.numClasses);
  for (let k = 0; k < indices.length; k++) out[k * set.numClasses + (set.labels[indices[k] ?? 0] ?? 0)] = 1;
  return tf.tensor2d(out, [indices.length, set.numClasses]);
}

/** One-hot labels for examples [start, end). */
export function toLabelTensor(set: ImageSet, start: number, end: number): tf.Tensor2D {
  const indices = new Uint32Array(end - start);
  for (let i = 0; i < indices.length; i++) indices[i] = start + i;
  return gatherLabelTensor(set, indices);
}

/** A fetched batch (see ./batch-source.ts) as model input [n, h, w, c] in [0, 1]. */
export function batchInputTensor(batch: Examples, imageShape: readonly [number, number, number]): tf.Tensor4D {
  const pixels = normalizePixels(batch.images, new Float32Array(batch.images.length));
  return tf.tensor4d(pixels, [batch.count, imageShape[0], imageShape[1], imageShape[2]]);
}

/** A fetched batch's labels, one-hot [n, numClasses]. */
export function batchLabelTensor(batch: Examples, numClasses: number): tf.Tensor2D {
  const out = new Float32Array(batch.count * numClasses);
  for (let k = 0; k < batch.count; k++) out[k * numClasses + (batch.labels[k] ?? 0)] = 1;
  return tf.tensor2d(out, [batch.count, numClasses]);
}

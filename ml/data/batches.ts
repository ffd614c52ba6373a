// Where the training loop gets its batches: one narrow function, "the inputs and
// labels of these examples". An in-memory image set, a pair of tensors and (later)
// streamed shards all fit behind it, so the loop never knows how data is stored.
import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from './image-set';
import { gatherInputTensor, gatherLabelTensor } from './tensors';

export interface Batch {
  /** Inputs [n, ...], float32. */
  x: tf.Tensor;
  /** Labels [n, classes] one-hot float32, or [n] class indices for a sparse loss. */
  y: tf.Tensor;
}

export interface BatchSource {
  /** Examples in one epoch; indices passed to `batch` are in [0, count). */
  readonly count: number;
  /** The examples at `indices`, as new tensors the caller disposes. */
  batch(indices: Int32Array): Batch;
}

/** Batches gathered from uint8 images (normalized as ml/data/tensors does) and one-hot labels. */
export function imageSetBatches(set: ImageSet): BatchSource {
  return {
    count: set.count,
    batch: (indices) => ({ x: gatherInputTensor(set, indices), y: gatherLabelTensor(set, indices) }),
  };
}

/** Batches gathered from whole-dataset tensors already on the backend (benchmarks, tests). */
export function tensorBatches(xs: tf.Tensor, ys: tf.Tensor): BatchSource {
  const count = xs.shape[0] ?? 0;
  if (ys.shape[0] !== count) throw new RangeError(`xs has ${count} samples but ys has ${ys.shape[0]}; they must match`);
  return {
    count,
    batch: (indices) =>
      tf.tidy(() => {
        const index = tf.tensor1d(indices, 'int32');
        return { x: tf.gather(xs, index), y: tf.gather(ys, index) };
      }),
  };
}

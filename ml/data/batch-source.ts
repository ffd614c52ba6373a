// What the training loop, evaluation and calibration read examples through.
// A source may hold everything in memory (memorySource) or stream
// content-addressed shards (./sharded-source.ts); callers cannot tell, so the
// loop's memory does not depend on how large the dataset is.
import { augmentBatch, type AugmentOptions } from './augment';
import type { BatchSource } from './batches';
import { imageSize } from './image-set';
import type { ImageSet } from './image-set';
import { epochPermutation } from './shuffle';
import { batchInputTensor, batchLabelTensor } from './tensors';

/** Examples in the order they were asked for: uint8 pixels (n * h * w * c) and labels (n). */
export interface Examples {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface ExampleSource {
  readonly count: number;
  /** [height, width, channels]. */
  readonly imageShape: [number, number, number];
  readonly numClasses: number;
  /**
   * The order of all examples in `epoch`, a function of (seed, epoch) only. A streaming
   * source returns an order that touches few shards at a time (see sharded-source.ts).
   */
  epochOrder(seed: number, epoch: number): Uint32Array;
  /** The examples at `indices`, in that order. */
  batch(indices: ArrayLike<number>): Promise<Examples>;
}

/** An in-memory ImageSet as a ExampleSource: the global Fisher-Yates shuffle of ./shuffle.ts. */
export function memorySource(set: ImageSet): ExampleSource {
  const size = imageSize(set.imageShape);
  return {
    count: set.count,
    imageShape: set.imageShape,
    numClasses: set.numClasses,
    epochOrder: (seed, epoch) => epochPermutation(set.count, seed, epoch),
    batch: (indices) => Promise.resolve(gatherExamples(set.images, set.labels, size, indices, (i) => i)),
  };
}

/** Copies the examples at `indices` out of one contiguous block; `local` maps a source index into the block. */
export function gatherExamples(
  images: Uint8Array,
  labels: Uint8Array,
  size: number,
  indices: ArrayLike<number>,
  local: (index: number) => number,
): Examples {
  const n = indices.length;
  const out: Examples = { images: new Uint8Array(n * size), labels: new Uint8Array(n), count: n };
  for (let k = 0; k < n; k++) {
    const i = local(indices[k] ?? 0);
    out.images.set(images.subarray(i * size, (i + 1) * size), k * size);
    out.labels[k] = labels[i] ?? 0;
  }
  return out;
}

/** Indices [start, end) in order: evaluation and calibration read sources sequentially. */
export function range(start: number, end: number): Uint32Array {
  const out = new Uint32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/** The first `n` examples of a source (in storage order, so a streamed source reads only its first shards). */
export function headOf(source: ExampleSource, n: number): ExampleSource {
  const count = Math.min(n, source.count);
  return {
    count,
    imageShape: source.imageShape,
    numClasses: source.numClasses,
    epochOrder: (seed, epoch) => source.epochOrder(seed, epoch).filter((i) => i < count),
    batch: (indices) => source.batch(indices),
  };
}

/** Reads a whole source into memory (small sets only: tests, and the bench's "loaded whole" comparison). */
export async function materialize(source: ExampleSource): Promise<ImageSet> {
  const all = await source.batch(range(0, source.count));
  return { images: all.images, labels: all.labels, count: all.count, imageShape: [...source.imageShape], numClasses: source.numClasses };
}

/**
 * The training loop's BatchSource (./batches.ts) over an ExampleSource: the source's own epoch
 * order, and seeded augmentation when asked. The loop asks for each epoch's order before its
 * batches, which is how the augmentation learns the epoch it draws from.
 */
export function streamBatches(source: ExampleSource, augment?: AugmentOptions, seed = 0): BatchSource {
  let epoch = 0;
  return {
    count: source.count,
    epochOrder: (orderSeed, e) => {
      epoch = e;
      return source.epochOrder(orderSeed, e);
    },
    batch: async (indices) => {
      const examples = await source.batch(indices);
      if (augment) augmentBatch(examples, source.imageShape, indices, augment, seed, epoch);
      return { x: batchInputTensor(examples, source.imageShape), y: batchLabelTensor(examples, source.numClasses) };
    },
  };
}

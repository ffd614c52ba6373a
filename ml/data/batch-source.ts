// What the training loop, evaluation and calibration read examples through.
// A source may hold everything in memory (memorySource) or stream
// content-addressed shards (./sharded-source.ts); callers cannot tell, so the
// loop's memory does not depend on how large the dataset is.
import { imageSize } from './image-set';
import type { ImageSet } from './image-set';
import { epochPermutation } from './shuffle';

/** Examples in the order they were asked for: uint8 pixels (n * h * w * c) and labels (n). */
export interface Batch {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface BatchSource {
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
  batch(indices: ArrayLike<number>): Promise<Batch>;
}

/** An in-memory ImageSet as a BatchSource: the global Fisher-Yates shuffle of ./shuffle.ts. */
export function memorySource(set: ImageSet): BatchSource {
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
): Batch {
  const n = indices.length;
  const out: Batch = { images: new Uint8Array(n * size), labels: new Uint8Array(n), count: n };
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

/** Reads a whole source into memory (small sets only: tests, pruning until it streams). */
export async function materialize(source: BatchSource): Promise<ImageSet> {
  const all = await source.batch(range(0, source.count));
  return { images: all.images, labels: all.labels, count: all.count, imageShape: [...source.imageShape], numClasses: source.numClasses };
}

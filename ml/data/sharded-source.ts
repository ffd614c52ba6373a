// A ExampleSource over the shards of one split, holding at most `cacheShards`
// decoded shards in memory however many there are.
//
// Shuffling without loading everything: each epoch the shards are put in a
// seeded order and taken `window` at a time; the examples of one window are
// shuffled together (Fisher-Yates) and the windows follow each other. A batch
// therefore touches at most the shards of two consecutive windows, so a cache of
// 2 * window shards never reloads a shard within an epoch. The order depends on
// (seed, epoch) only, so a resumed run sees the batches the uninterrupted one did.
// Preparation stores image folders in a seeded random order, so a shard already
// mixes the classes; IDX/CSV keep the file's order (MNIST's is mixed).
import type { Examples, ExampleSource } from './batch-source';
import type { ShardInfo, SplitManifest } from './dataset-manifest';
import { imageSize } from './image-set';
import type { ImageSet } from './image-set';
import { mixSeed, seededPermutation } from './shuffle';

/** Fetches and decodes one shard (the activity reads it from the object store). */
export type ShardLoader = (shard: ShardInfo) => Promise<ImageSet>;

export interface ShardedSourceOptions {
  /** Shards shuffled together per epoch (default 2). */
  window?: number;
}

export class ShardedSource implements ExampleSource {
  readonly count: number;
  private readonly starts: number[] = [];
  private readonly cache = new Map<number, Promise<ImageSet>>();
  private readonly window: number;
  private readonly capacity: number;
  /** Shards fetched so far (tests check streaming stays bounded). */
  loads = 0;

  constructor(
    private readonly split: SplitManifest,
    readonly imageShape: [number, number, number],
    readonly numClasses: number,
    private readonly load: ShardLoader,
    opts: ShardedSourceOptions = {},
  ) {
    let at = 0;
    for (const s of split.shards) {
      this.starts.push(at);
      at += s.count;
    }
    this.count = at;
    this.window = Math.max(1, opts.window ?? 2);
    this.capacity = 2 * this.window;
  }

  epochOrder(seed: number, epoch: number): Uint32Array {
    const epochSeed = mixSeed(seed, epoch);
    const shardOrder = seededPermutation(this.split.shards.length, epochSeed);
    const order = new Uint32Array(this.count);
    let out = 0;
    for (let w = 0; w * this.window < shardOrder.length; w++) {
      const members = Array.from(shardOrder.subarray(w * this.window, (w + 1) * this.window));
      const indices: number[] = [];
      for (const s of members) {
        const start = this.starts[s] ?? 0;
        for (let i = 0; i < (this.split.shards[s]?.count ?? 0); i++) indices.push(start + i);
      }
      const perm = seededPermutation(indices.length, mixSeed(epochSeed, w));
      for (let k = 0; k < perm.length; k++) order[out++] = indices[perm[k] ?? 0] ?? 0;
    }
    return order;
  }

  async batch(indices: ArrayLike<number>): Promise<Examples> {
    const size = imageSize(this.imageShape);
    const n = indices.length;
    const out: Examples = { images: new Uint8Array(n * size), labels: new Uint8Array(n), count: n };
    // Positions grouped by shard, visited one shard at a time: even a batch spread over every
    // shard (a random calibration sample) holds no more than the cache's shards at once.
    const byShard = new Map<number, number[]>();
    for (let k = 0; k < n; k++) {
      const index = indices[k] ?? 0;
      if (!Number.isInteger(index) || index < 0 || index >= this.count) throw new RangeError(`example ${index} is outside 0..${this.count - 1}`);
      const s = this.shardIndex(index);
      const group = byShard.get(s);
      if (group) group.push(k);
      else byShard.set(s, [k]);
    }
    for (const [s, positions] of byShard) {
      const set = await this.shard(s);
      const start = this.starts[s] ?? 0;
      for (const k of positions) {
        const i = (indices[k] ?? 0) - start;
        out.images.set(set.images.subarray(i * size, (i + 1) * size), k * size);
        out.labels[k] = set.labels[i] ?? 0;
      }
    }
    return out;
  }

  private shardIndex(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** LRU over decoded shards: a hit moves to the back, the front is dropped when over capacity. */
  private shard(s: number): Promise<ImageSet> {
    const hit = this.cache.get(s);
    if (hit) {
      this.cache.delete(s);
      this.cache.set(s, hit);
      return hit;
    }
    const info = this.split.shards[s];
    if (!info) return Promise.reject(new RangeError(`no shard ${s}`));
    this.loads++;
    const loading = this.load(info);
    loading.catch(() => this.cache.delete(s));
    this.cache.set(s, loading);
    while (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return loading;
  }
}

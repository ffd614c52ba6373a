// Cuts a stream of examples into shards of a fixed number of examples and hands
// each encoded shard to `store` as soon as it is full, so preparing a dataset
// holds one shard in memory, not the dataset.
import type { ShardInfo, SplitManifest } from './dataset-manifest';
import { imageSize } from './image-set';
import { encodeShard, shardCapacity } from './shards';

/** Stores one encoded shard (content-addressed) and says where it went. */
export type StoreShard = (bytes: Uint8Array) => Promise<Omit<ShardInfo, 'count'>>;

export class ShardWriter {
  private readonly capacity: number;
  private readonly size: number;
  private images: Uint8Array;
  private labels: Uint8Array;
  private filled = 0;
  private readonly shards: ShardInfo[] = [];

  constructor(
    private readonly imageShape: [number, number, number],
    private readonly numClasses: number,
    private readonly store: StoreShard,
    capacity = shardCapacity(imageShape),
  ) {
    this.capacity = capacity;
    this.size = imageSize(imageShape);
    this.images = new Uint8Array(this.capacity * this.size);
    this.labels = new Uint8Array(this.capacity);
  }

  /** Adds one example (h * w * c pixels). */
  async add(pixels: Uint8Array, label: number): Promise<void> {
    if (pixels.length !== this.size) throw new RangeError(`an example has ${pixels.length} pixels, expected ${this.size}`);
    this.images.set(pixels, this.filled * this.size);
    this.labels[this.filled++] = label;
    if (this.filled === this.capacity) await this.flush();
  }

  /** Adds `count` consecutive examples from an in-memory block. */
  async addMany(images: Uint8Array, labels: Uint8Array, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.add(images.subarray(i * this.size, (i + 1) * this.size), labels[i] ?? 0);
  }

  async finish(): Promise<SplitManifest> {
    if (this.filled > 0) await this.flush();
    return { count: this.shards.reduce((a, s) => a + s.count, 0), shards: [...this.shards] };
  }

  private async flush(): Promise<void> {
    const n = this.filled;
    const bytes = encodeShard({
      images: this.images.subarray(0, n * this.size),
      labels: this.labels.subarray(0, n),
      count: n,
      imageShape: this.imageShape,
      numClasses: this.numClasses,
    });
    this.filled = 0;
    const { sha256, bytes: length } = await this.store(bytes);
    this.shards.push({ sha256, bytes: length, count: n });
  }
}

/** Shards, streaming sources and seeded augmentation. */
import * as tf from '@tensorflow/tfjs';
import {
  DatasetError,
  ShardWriter,
  ShardedSource,
  augmentBatch,
  createModel,
  decodeDatasetManifest,
  decodeShard,
  encodeDatasetManifest,
  encodeShard,
  evaluateModel,
  memorySource,
  range,
  sliceImageSet,
  trainModel,
  DATASET_FORMAT,
  type Examples,
  type DatasetManifest,
  type ImageSet,
  type ShardInfo,
  type SplitManifest,
} from '../../../../ml';
import { quadrantImages } from '../fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Writes `set` as shards of `perShard` examples into a map (the test's object store). */
async function sharded(set: ImageSet, perShard: number, window?: number) {
  const blobs = new Map<string, Uint8Array>();
  const writer = new ShardWriter(set.imageShape, set.numClasses, async (bytes) => {
    const sha256 = `s${blobs.size}`;
    blobs.set(sha256, bytes);
    return { sha256, bytes: bytes.length };
  }, perShard);
  await writer.addMany(set.images, set.labels, set.count);
  const split = await writer.finish();
  const source = new ShardedSource(split, set.imageShape, set.numClasses, async (s: ShardInfo) => decodeShard(blobs.get(s.sha256)!), window === undefined ? {} : { window });
  return { split, source, blobs };
}

const bytesOf = (b: Examples) => Buffer.from(b.images).toString('base64') + Buffer.from(b.labels).toString('base64');

describe('shards', () => {
  it('round trip: a shard decodes to the examples written; a flipped byte is a corrupt-encoding error', () => {
    const set = quadrantImages(10, 1);
    const bytes = encodeShard(set);
    const back = decodeShard(bytes);
    expect(Buffer.from(back.images).equals(Buffer.from(set.images))).toBe(true);
    expect(Array.from(back.labels)).toEqual(Array.from(set.labels));
    const broken = bytes.slice();
    broken[broken.length - 20]! ^= 1;
    expect(() => decodeShard(broken, 'shard.lssh')).toThrow(DatasetError);
    expect(() => decodeShard(broken, 'shard.lssh')).toThrow(/^shard\.lssh: corrupt dataset shard: payload sha256/);
  });

  it('ShardWriter cuts fixed-size shards; the manifest round-trips and its bytes change with the labels', async () => {
    const { split } = await sharded(quadrantImages(25, 2), 10);
    expect(split.shards.map((s) => s.count)).toEqual([10, 10, 5]);
    const manifest: DatasetManifest = { format: DATASET_FORMAT, source: 't', imageShape: [4, 4, 1], numClasses: 4, labels: ['a', 'b', 'c', 'd'], skipped: [], train: split, test: split };
    const bytes = encodeDatasetManifest(manifest);
    expect(decodeDatasetManifest(bytes)).toEqual(manifest);
    expect(Buffer.from(encodeDatasetManifest({ ...manifest, labels: ['a', 'b', 'c', 'e'] })).equals(Buffer.from(bytes))).toBe(false);
    const lying: SplitManifest = { count: 26, shards: split.shards };
    expect(() => decodeDatasetManifest(encodeDatasetManifest({ ...manifest, train: lying }), 'm.json')).toThrow(/train shards hold 25 examples but count is 26/);
  });
});

describe('ShardedSource', () => {
  it('batch(indices) returns exactly the in-memory examples, in the order asked, across shard boundaries', async () => {
    const set = quadrantImages(37, 3);
    const { source } = await sharded(set, 8);
    const indices = [36, 0, 8, 7, 15, 16, 23, 24, 31, 32, 1];
    expect(bytesOf(await source.batch(indices))).toBe(bytesOf(await memorySource(set).batch(indices)));
    await expect(source.batch([37])).rejects.toThrow(/outside 0\.\.36/);
  });

  it('an epoch order is a permutation fixed by (seed, epoch) that streams: windows of shards, each shard loaded once', async () => {
    const set = quadrantImages(100, 4);
    const { source } = await sharded(set, 10, 2);
    const order = source.epochOrder(7, 0);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from(range(0, 100)));
    expect(Array.from(source.epochOrder(7, 0))).toEqual(Array.from(order));
    expect(Array.from(source.epochOrder(7, 1))).not.toEqual(Array.from(order));
    expect(Array.from(source.epochOrder(8, 0))).not.toEqual(Array.from(order));
    // Each run of 20 (one window) draws from exactly two shards.
    for (let w = 0; w < 5; w++) {
      const shards = new Set(Array.from(order.subarray(w * 20, (w + 1) * 20), (i) => Math.floor(i / 10)));
      expect(shards.size).toBe(2);
    }
    // Batches of 16 in that order (they straddle windows) load every shard exactly once.
    for (let start = 0; start < 100; start += 16) await source.batch(order.subarray(start, Math.min(100, start + 16)));
    expect(source.loads).toBe(10);
  });

  it('training on shards is deterministic and learns; evaluation streams the test split in order', async () => {
    const train = quadrantImages(96, 5);
    const test = quadrantImages(40, 6);
    const run = async () => {
      const model = createModel('mlp', { inputShape: train.imageShape, numClasses: train.numClasses, seed: 3, learningRate: 0.01 });
      const history = await trainModel(model, (await sharded(train, 20)).source, { epochs: 3, batchSize: 16, seed: 1 });
      const { source: testSource } = await sharded(test, 7);
      const streamed = await evaluateModel(model, testSource);
      const inMemory = await evaluateModel(model, test);
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return { history, streamed, inMemory, weights };
    };
    const [a, b] = [await run(), await run()];
    expect(a.weights).toEqual(b.weights);
    expect(a.history.epochs[2]!.accuracy).toBeGreaterThan(0.9);
    expect(a.streamed).toEqual(a.inMemory);
  }, 60_000);
});

describe('augmentBatch', () => {
  const set = quadrantImages(12, 9);
  const opts = { flip: 'horizontal' as const, shift: 0.2, rotate: 20, brightness: 0.2 };
  const batchOf = (s: ImageSet): Examples => ({ images: s.images.slice(), labels: s.labels.slice(), count: s.count });

  it('is a function of (seed, epoch, example index) only: same inputs, same pixels, whatever the batch', () => {
    const whole = batchOf(set);
    augmentBatch(whole, set.imageShape, range(0, 12), opts, 42, 3);
    const again = batchOf(set);
    augmentBatch(again, set.imageShape, range(0, 12), opts, 42, 3);
    expect(bytesOf(again)).toBe(bytesOf(whole));
    // Example 5 augmented alone, in a batch of one, gets the same pixels.
    const alone = batchOf(sliceImageSet(set, 5, 6));
    augmentBatch(alone, set.imageShape, [5], opts, 42, 3);
    const size = 6 * 6;
    expect(Buffer.from(alone.images).equals(Buffer.from(whole.images.subarray(5 * size, 6 * size)))).toBe(true);
  });

  it('changes the pixels, differently per epoch and per seed; labels never change; no options = no change', () => {
    const a = batchOf(set);
    const b = batchOf(set);
    const c = batchOf(set);
    augmentBatch(a, set.imageShape, range(0, 12), opts, 42, 0);
    augmentBatch(b, set.imageShape, range(0, 12), opts, 42, 1);
    augmentBatch(c, set.imageShape, range(0, 12), opts, 43, 0);
    expect(bytesOf(a)).not.toBe(bytesOf(batchOf(set)));
    expect(bytesOf(a)).not.toBe(bytesOf(b));
    expect(bytesOf(a)).not.toBe(bytesOf(c));
    expect(Array.from(a.labels)).toEqual(Array.from(set.labels));
    const none = batchOf(set);
    augmentBatch(none, set.imageShape, range(0, 12), {}, 42, 0);
    expect(bytesOf(none)).toBe(bytesOf(batchOf(set)));
  });

  it('a horizontal flip alone mirrors each row or leaves the image as it is', () => {
    const flipped = batchOf(set);
    augmentBatch(flipped, set.imageShape, range(0, 12), { flip: 'horizontal' }, 1, 0);
    let mirrored = 0;
    for (let k = 0; k < 12; k++) {
      const img = set.images.subarray(k * 36, (k + 1) * 36);
      const out = flipped.images.subarray(k * 36, (k + 1) * 36);
      const mirror = new Uint8Array(36).map((_, i) => img[Math.floor(i / 6) * 6 + (5 - (i % 6))]!);
      const same = Buffer.from(out).equals(Buffer.from(img));
      if (Buffer.from(out).equals(Buffer.from(mirror)) && !same) mirrored++;
      else expect(same).toBe(true);
    }
    expect(mirrored).toBeGreaterThan(0);
  });
});

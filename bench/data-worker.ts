/**
 * One data measurement in its own process (so its peak RSS is its own), run by bench/data.ts.
 * Prints one line `RESULT {json}` on stdout.
 *
 *   prepare: writes `--count` synthetic 32x32x3 images (4 classes, seeded) as dataset shards into
 *            `--dir` (content-addressed files, as prepareData stores them in the object store).
 *   train:   trains one epoch (ml/train.ts, the training activity's loop) on those shards and
 *            evaluates the test split; `--source stream` reads them through ShardedSource (what the
 *            worker does), `--source memory` loads the split whole first (what it did before).
 *   prune:   one epoch of magnitude pruning to 50% (ml/prune.ts, what the prune activity runs) on
 *            the same shards, streamed or (`--source memory`) loaded whole as the activity did before.
 *
 * Usage: node --expose-gc --import tsx bench/data-worker.ts prepare|train|prune --dir D [--count N] [--source stream|memory]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initTrainingBackend } from '../ml/backend';
import { materialize } from '../ml/data/batch-source';
import { decodeDatasetManifest, encodeDatasetManifest, DATASET_FORMAT, type DatasetManifest, type ShardInfo } from '../ml/data/dataset-manifest';
import { ShardWriter } from '../ml/data/shard-writer';
import { ShardedSource } from '../ml/data/sharded-source';
import { decodeShard } from '../ml/data/shards';
import { createRng } from '../ml/data/shuffle';
import { evaluateModel } from '../ml/evaluate';
import { createModel, type Architecture } from '../ml/models';
import { pruneOnExamples } from '../ml/prune';
import { trainModel } from '../ml/train';

export const SHAPE: [number, number, number] = [32, 32, 3];
const CLASSES = 4;

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** Image i of class i % 4: one bright quadrant plus seeded noise, so the model has something to learn. */
function syntheticImage(i: number, out: Uint8Array): number {
  const [h, w, c] = SHAPE;
  const label = i % CLASSES;
  const next = createRng(i + 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const quadrant = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
      const base = quadrant === label ? 150 : 30;
      for (let ch = 0; ch < c; ch++) out[(y * w + x) * c + ch] = base + Math.floor(next() * 100);
    }
  }
  return label;
}

async function prepare(dir: string, count: number): Promise<object> {
  mkdirSync(dir, { recursive: true });
  const store = async (bytes: Uint8Array) => {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(path.join(dir, `${sha256}.lssh`), bytes);
    return { sha256, bytes: bytes.length };
  };
  const pixels = new Uint8Array(SHAPE[0] * SHAPE[1] * SHAPE[2]);
  const split = async (from: number, n: number) => {
    const writer = new ShardWriter(SHAPE, CLASSES, store);
    for (let i = from; i < from + n; i++) {
      const label = syntheticImage(i, pixels);
      await writer.add(pixels, label);
    }
    return writer.finish();
  };
  const testCount = 2000;
  const manifest: DatasetManifest = { format: DATASET_FORMAT, source: `synthetic:${count}`, imageShape: SHAPE, numClasses: CLASSES, skipped: [], train: await split(0, count), test: await split(count, testCount) };
  writeFileSync(path.join(dir, 'manifest.json'), encodeDatasetManifest(manifest));
  return { count, shards: manifest.train.shards.length, peakRssMb: peakRssMb() };
}

async function train(dir: string, source: 'stream' | 'memory', arch: Architecture): Promise<object> {
  const backend = await initTrainingBackend('auto');
  const manifest = decodeDatasetManifest(readFileSync(path.join(dir, 'manifest.json')));
  const load = async (s: ShardInfo) => decodeShard(readFileSync(path.join(dir, `${s.sha256}.lssh`)));
  const stream = new ShardedSource(manifest.train, manifest.imageShape, manifest.numClasses, load);
  const testSource = new ShardedSource(manifest.test, manifest.imageShape, manifest.numClasses, load);
  const trainData = source === 'stream' ? stream : await materialize(stream);
  const model = createModel(arch, { inputShape: manifest.imageShape, numClasses: manifest.numClasses, seed: 1 });
  const started = Date.now();
  const history = await trainModel(model, trainData, { epochs: 1, batchSize: 128, seed: 1 });
  const evaluation = await evaluateModel(model, testSource);
  return {
    count: manifest.train.count,
    source,
    arch,
    backend: backend.name,
    seconds: (Date.now() - started) / 1000,
    trainAccuracy: history.epochs[0]?.accuracy,
    testAccuracy: evaluation.accuracy,
    shardLoads: stream.loads,
    shards: manifest.train.shards.length,
    peakRssMb: peakRssMb(),
  };
}

async function prune(dir: string, source: 'stream' | 'memory', arch: Architecture): Promise<object> {
  const backend = await initTrainingBackend('auto');
  const manifest = decodeDatasetManifest(readFileSync(path.join(dir, 'manifest.json')));
  const load = async (s: ShardInfo) => decodeShard(readFileSync(path.join(dir, `${s.sha256}.lssh`)));
  const stream = new ShardedSource(manifest.train, manifest.imageShape, manifest.numClasses, load);
  const trainData = source === 'stream' ? stream : await materialize(stream);
  const model = createModel(arch, { inputShape: manifest.imageShape, numClasses: manifest.numClasses, seed: 1 });
  const started = Date.now();
  const result = await pruneOnExamples(model, trainData, { targetSparsity: 0.5, epochs: 1, batchSize: 128, seed: 1, frequency: 100, blockSize: 4 });
  return {
    count: manifest.train.count,
    source,
    arch,
    backend: backend.name,
    seconds: (Date.now() - started) / 1000,
    sparsity: result.sparsity,
    shardLoads: stream.loads,
    shards: manifest.train.shards.length,
    peakRssMb: peakRssMb(),
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string' }, count: { type: 'string', default: '10000' }, source: { type: 'string', default: 'stream' }, arch: { type: 'string', default: 'mlp' } },
  });
  if (!values.dir) throw new Error('--dir is required');
  const source = values.source === 'memory' ? 'memory' : 'stream';
  const result =
    positionals[0] === 'prepare'
      ? await prepare(values.dir, Number(values.count))
      : positionals[0] === 'prune'
        ? await prune(values.dir, source, values.arch as Architecture)
        : await train(values.dir, source, values.arch as Architecture);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

/**
 * The prune activity streams the prepared dataset's shards as training does: the training split is
 * asked for one batch at a time (never read whole), each shard is fetched once per epoch, so the
 * worker's memory does not grow with the dataset. Runs the real activity (MockActivityEnvironment)
 * over a real ArtifactIO, DatasetCache and in-memory object store.
 */
import * as tf from '@tensorflow/tfjs';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ArtifactIO, sha256Hex } from '../../../activities/artifact-io';
import { DatasetCache, type OpenedDataset } from '../../../activities/dataset-cache';
import { createPrune } from '../../../activities/prune';
import { storageKeys, validateSpec, type ArtifactRef, type PreparedDataRef, type PrunedModelRef } from '../../../contracts';
import { MemoryObjectStore } from '../../../infra/memory-object-store';
import { DATASET_FORMAT, ShardWriter, createModel, encodeDatasetManifest, serializeModel, type DatasetManifest, type ImageSet } from '../../../ml';
import { quadrantImages } from '../ml/fixtures';

const PER_SHARD = 40;
const BATCH = 32;

/** Stores `train` and `test` as a prepared dataset of PER_SHARD-example shards, as prepareData would. */
async function prepared(artifacts: ArtifactIO, train: ImageSet, test: ImageSet): Promise<PreparedDataRef> {
  const store = async (bytes: Uint8Array) => {
    const sha256 = sha256Hex(bytes);
    await artifacts.putOnce(storageKeys.datasetShard(sha256), bytes, sha256);
    return { sha256, bytes: bytes.byteLength };
  };
  const split = async (set: ImageSet) => {
    const writer = new ShardWriter(set.imageShape, set.numClasses, store, PER_SHARD);
    await writer.addMany(set.images, set.labels, set.count);
    return writer.finish();
  };
  const manifest: DatasetManifest = { format: DATASET_FORMAT, source: 'quadrants', imageShape: train.imageShape, numClasses: 4, skipped: [], train: await split(train), test: await split(test) };
  const bytes = encodeDatasetManifest(manifest);
  const fingerprint = sha256Hex(bytes);
  const dataset = await artifacts.putOnce(storageKeys.dataset(fingerprint), bytes, fingerprint);
  return { dataset, fingerprint, source: 'quadrants', trainCount: train.count, testCount: test.count, imageShape: train.imageShape, numClasses: 4 };
}

/** A DatasetCache that records the largest request made of each opened training split. */
class RecordingCache extends DatasetCache {
  readonly opened: OpenedDataset[] = [];
  largestTrainRequest = 0;

  override async get(ref: ArtifactRef): Promise<OpenedDataset> {
    const opened = await super.get(ref);
    const batch = opened.train.batch.bind(opened.train);
    opened.train.batch = (indices) => {
      this.largestTrainRequest = Math.max(this.largestTrainRequest, indices.length);
      return batch(indices);
    };
    this.opened.push(opened);
    return opened;
  }
}

beforeAll(async () => {
  tf.enableProdMode(); // silences tfjs's "install the node backend" advice
  await tf.setBackend('cpu');
});

test('prune reads the training split from its shards one batch at a time, each shard once per epoch', async () => {
  const artifacts = new ArtifactIO(new MemoryObjectStore());
  const train = quadrantImages(800, 1);
  const data = await prepared(artifacts, train, quadrantImages(80, 2));
  const model = createModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 3 });
  const trained = await artifacts.put('trained.lsm', await serializeModel(model, { includeOptimizer: false }));
  model.dispose();
  const spec = validateSpec({
    model: 'prune-streams',
    data: { source: 'mnist' },
    training: { batchSize: BATCH, backend: 'cpu' },
    variants: ['pruned-float32'],
    pruning: { targetSparsity: 0.5, epochs: 2, frequency: 5, blockSize: 1 },
  });
  const datasets = new RecordingCache(artifacts);
  const prune = createPrune({ initBackend: async () => ({ name: 'cpu', tfjsVersion: tf.version_core }) }, artifacts, datasets);

  const result: PrunedModelRef = await new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') }).run(prune, { spec, data, model: trained });

  const shards = Math.ceil(train.count / PER_SHARD);
  expect(datasets.opened).toHaveLength(1);
  // The old activity read all 800 training examples in one request before the first step.
  expect(datasets.largestTrainRequest).toBe(BATCH);
  // Two epochs, a shard cache of four: every shard fetched once per epoch, none again within one.
  expect(datasets.opened[0]!.train.loads).toBe(2 * shards);
  expect(result.steps).toBe(2 * Math.ceil(train.count / BATCH));
  expect(result.sparsity).toBeCloseTo(0.5, 2);
  expect(result.accuracy).toBeGreaterThan(0.5);
});

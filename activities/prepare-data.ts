/**
 * prepareData: read the spec's data source, validate it, and store it once, content-addressed,
 * as shards plus a small manifest (the manifest's sha256 is the data fingerprint). Image folders
 * are decoded a few images at a time and each shard is uploaded as it fills, so a folder larger
 * than the worker's memory prepares fine.
 */
import { Context, log } from '@temporalio/activity';
import { storageKeys, type DataSpec, type PreparedDataRef } from '../contracts';
import {
  DATASET_FORMAT,
  ShardWriter,
  encodeDatasetManifest,
  imageSetFromCsv,
  imageSetFromIdx,
  loadMnist,
  parseIdx,
  prepareImageFolder,
  type DatasetManifest,
  type FolderReader,
  type ImageSet,
  type PreparedDataset,
  type StoreShard,
} from '../ml';
import { sha256Hex, type ArtifactIO } from './artifact-io';
import type { ActivityDeps } from './deps';
import { keepAlive } from './keep-alive';
import { assertVersionFree } from './release-claim';
import type { ObjectStore } from '../infra/object-store';

export interface PrepareDataInput {
  data: DataSpec;
  /** A spec's explicit version, checked first: a taken version is refused before any training. */
  release?: { model: string; version: string };
}

function idxImageSet(images: Uint8Array, labels: Uint8Array, names: { images: string; labels: string }, numClasses: number) {
  return imageSetFromIdx(parseIdx(images, names.images), parseIdx(labels, names.labels), names, numClasses);
}

/** IDX, CSV and MNIST are single files read whole; they are sharded on the way into the store. */
async function loadInMemory(data: Exclude<DataSpec, { source: 'folder' }>, read: ActivityDeps['readLocation']): Promise<PreparedDataset> {
  switch (data.source) {
    case 'mnist':
      return loadMnist();
    case 'idx': {
      const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
        [data.trainImages, data.trainLabels, data.testImages, data.testLabels].map(read),
      );
      return {
        source: `idx:${data.trainImages}`,
        train: idxImageSet(trainImages!, trainLabels!, { images: data.trainImages, labels: data.trainLabels }, data.numClasses),
        test: idxImageSet(testImages!, testLabels!, { images: data.testImages, labels: data.testLabels }, data.numClasses),
      };
    }
    case 'csv': {
      const [train, test] = await Promise.all([read(data.train), read(data.test)]);
      const opts = { imageShape: data.imageShape, numClasses: data.numClasses };
      const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
      return {
        source: `csv:${data.train}`,
        train: imageSetFromCsv(text(train), data.train, opts),
        test: imageSetFromCsv(text(test), data.test, opts),
      };
    }
  }
}

async function shardSet(set: ImageSet, store: StoreShard) {
  const writer = new ShardWriter(set.imageShape, set.numClasses, store);
  await writer.addMany(set.images, set.labels, set.count);
  return writer.finish();
}

async function buildManifest(data: DataSpec, deps: PrepareDeps, store: StoreShard): Promise<DatasetManifest> {
  if (data.source !== 'folder') {
    const ds = await loadInMemory(data, deps.readLocation);
    const [train, test] = [await shardSet(ds.train, store), await shardSet(ds.test, store)];
    return { format: DATASET_FORMAT, source: ds.source, imageShape: ds.train.imageShape, numClasses: ds.train.numClasses, skipped: [], train, test };
  }
  const [height, width] = data.imageSize;
  const folder = await prepareImageFolder(
    deps.folders,
    {
      train: data.train,
      ...(data.test ? { test: data.test } : {}),
      validationSplit: data.validationSplit ?? 0,
      height,
      width,
      channels: data.channels,
      onBadImage: data.onBadImage,
    },
    store,
  );
  return {
    format: DATASET_FORMAT,
    // Not where the folder lives: the same files on disk or under s3:// are the same dataset (filesSha256 names them).
    source: 'folder',
    imageShape: folder.imageShape,
    numClasses: folder.labels.length,
    labels: folder.labels,
    filesSha256: folder.filesSha256,
    skipped: folder.skipped,
    train: folder.train,
    test: folder.test,
  };
}

export interface PrepareDeps {
  readLocation: ActivityDeps['readLocation'];
  folders: FolderReader;
}

/**
 * The fingerprint prepareData would give this data, computed the same way (shards hashed, manifest
 * encoded and hashed) but writing nothing: what `liteship plan` compares with a release's.
 */
export async function datasetFingerprint(data: DataSpec, deps: PrepareDeps): Promise<string> {
  const hashOnly: StoreShard = async (bytes) => ({ sha256: sha256Hex(bytes), bytes: bytes.byteLength });
  return sha256Hex(encodeDatasetManifest(await buildManifest(data, deps, hashOnly)));
}

export function createPrepareData(artifacts: ArtifactIO, deps: PrepareDeps & { store: ObjectStore }) {
  return ({ data, release }: PrepareDataInput): Promise<PreparedDataRef> => keepAlive(async (stage) => {
    if (release) {
      stage('checking the version is free');
      await assertVersionFree(deps.store, release.model, release.version, Context.current().info.workflowExecution?.workflowId ?? 'unknown-workflow');
    }
    stage('reading');
    let shards = 0;
    const store: StoreShard = async (bytes) => {
      const sha256 = sha256Hex(bytes);
      await artifacts.putOnce(storageKeys.datasetShard(sha256), bytes, sha256);
      stage('storing shards', { shards: ++shards });
      return { sha256, bytes: bytes.byteLength };
    };
    const manifest = await buildManifest(data, deps, store);
    const bytes = encodeDatasetManifest(manifest);
    const fingerprint = sha256Hex(bytes);
    const ref = await artifacts.putOnce(storageKeys.dataset(fingerprint), bytes, fingerprint);
    const source = data.source === 'folder' ? `folder:${data.train}` : manifest.source;
    log.info('prepared dataset', { source, sha256: fingerprint, shards, skipped: manifest.skipped.length });
    return {
      dataset: ref,
      fingerprint,
      source,
      trainCount: manifest.train.count,
      testCount: manifest.test.count,
      imageShape: manifest.imageShape,
      numClasses: manifest.numClasses,
      ...(manifest.labels ? { labels: manifest.labels } : {}),
      ...(manifest.skipped.length > 0 ? { skippedCount: manifest.skipped.length } : {}),
    };
  });
}

/** prepareData: read the spec's data source, validate it, and store it once, content-addressed. */
import { Context, log } from '@temporalio/activity';
import { storageKeys, type DataSpec, type PreparedDataRef } from '../contracts';
import { encodeDataset, imageSetFromCsv, imageSetFromIdx, loadMnist, parseIdx, type PreparedDataset } from '../ml';
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

async function loadDataset(data: DataSpec, read: ActivityDeps['readLocation']): Promise<PreparedDataset> {
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

export function createPrepareData(artifacts: ArtifactIO, read: ActivityDeps['readLocation'], store: ObjectStore) {
  return ({ data, release }: PrepareDataInput): Promise<PreparedDataRef> => keepAlive(async (stage) => {
    if (release) {
      stage('checking the version is free');
      await assertVersionFree(store, release.model, release.version, Context.current().info.workflowExecution?.workflowId ?? 'unknown-workflow');
    }
    stage('reading');
    const dataset = await loadDataset(data, read);
    const bytes = encodeDataset(dataset);
    const fingerprint = sha256Hex(bytes);
    const key = storageKeys.dataset(fingerprint);
    stage('storing', { bytes: bytes.byteLength });
    const ref = await artifacts.putOnce(key, bytes, fingerprint);
    log.info('prepared dataset', { source: dataset.source, sha256: fingerprint, bytes: bytes.byteLength });
    return {
      dataset: ref,
      fingerprint,
      source: dataset.source,
      trainCount: dataset.train.count,
      testCount: dataset.test.count,
      imageShape: dataset.train.imageShape,
      numClasses: dataset.train.numClasses,
    };
  });
}

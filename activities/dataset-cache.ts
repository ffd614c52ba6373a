/**
 * Opens prepared datasets as streaming sources. Manifests (small) are cached; shards are
 * fetched on demand by each source, which keeps at most a few decoded shards in memory,
 * so train, evaluate, convert and benchmark use memory that does not grow with the dataset.
 */
import { storageKeys, type ArtifactRef } from '../contracts';
import { ShardedSource, decodeDatasetManifest, decodeShard, type DatasetManifest, type ShardInfo } from '../ml';
import type { ArtifactIO } from './artifact-io';

export interface OpenedDataset {
  manifest: DatasetManifest;
  train: ShardedSource;
  test: ShardedSource;
}

export class DatasetCache {
  private readonly manifests = new Map<string, Promise<DatasetManifest>>();

  constructor(
    private readonly artifacts: ArtifactIO,
    private readonly capacity = 8,
  ) {}

  manifest(ref: ArtifactRef): Promise<DatasetManifest> {
    const hit = this.manifests.get(ref.sha256);
    if (hit) return hit;
    const loading = this.artifacts.get(ref).then((bytes) => decodeDatasetManifest(bytes, ref.uri));
    loading.catch(() => this.manifests.delete(ref.sha256));
    this.manifests.set(ref.sha256, loading);
    while (this.manifests.size > this.capacity) {
      const oldest = this.manifests.keys().next().value;
      if (oldest === undefined) break;
      this.manifests.delete(oldest);
    }
    return loading;
  }

  /** Fresh sources over the dataset's splits (each with its own bounded shard cache). */
  async get(ref: ArtifactRef): Promise<OpenedDataset> {
    const manifest = await this.manifest(ref);
    const load = async (shard: ShardInfo) => {
      const key = storageKeys.datasetShard(shard.sha256);
      return decodeShard(await this.artifacts.get(this.artifacts.refAt(key, shard.sha256, shard.bytes)), key);
    };
    return {
      manifest,
      train: new ShardedSource(manifest.train, manifest.imageShape, manifest.numClasses, load),
      test: new ShardedSource(manifest.test, manifest.imageShape, manifest.numClasses, load),
    };
  }
}

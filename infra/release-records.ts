/** Reading published releases back (manifest and metrics.json) for reports and comparisons. */
import { MANIFEST_SCHEMA, RELEASE_FILES, parseAutoVersion, storageKeys, type ReleaseManifest, type ReleaseMetricsFile } from '../contracts';
import { listVersionFolders } from './release-folders';
import type { ObjectStore } from './object-store';
import { FailureType, type FailureDeclaration } from '../contracts';

/** A release's manifest or metrics file is not what liteship wrote: never use that release. */
export class CorruptReleaseError extends Error {
  override readonly name = 'CorruptReleaseError';
  static readonly failure: FailureDeclaration = { type: FailureType.corruptArtifact, retryable: false };
}

export interface StoredRelease {
  manifest: ReleaseManifest;
  metrics?: ReleaseMetricsFile;
}

function decodeJson<T>(bytes: Uint8Array, uri: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new CorruptReleaseError(`${uri} is not valid JSON (${err.message}): the release is damaged; do not use it`);
  }
}

/** A JSON object of the bucket, or undefined when the key does not exist; damaged JSON is a CorruptReleaseError naming it. */
export async function readJsonIfExists<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  if (!(await store.head(key))) return undefined;
  return decodeJson<T>(await store.get(key), store.uriFor(key));
}

/** A release's manifest, or undefined when the version has none (not released, or still being written). */
export async function readManifest(store: ObjectStore, model: string, version: string): Promise<ReleaseManifest | undefined> {
  const key = storageKeys.releaseFile(model, version, RELEASE_FILES.manifest);
  if (!(await store.head(key))) return undefined;
  const manifest = decodeJson<ReleaseManifest>(await store.get(key), store.uriFor(key));
  if (manifest.schema !== MANIFEST_SCHEMA) {
    throw new CorruptReleaseError(`${store.uriFor(key)} has schema ${JSON.stringify(manifest.schema)}, expected ${MANIFEST_SCHEMA}: it was written by another liteship version or is damaged`);
  }
  return manifest;
}

/** Manifest plus metrics.json (when the release has one). */
export async function readStoredRelease(store: ObjectStore, model: string, version: string): Promise<StoredRelease | undefined> {
  const manifest = await readManifest(store, model, version);
  if (!manifest) return undefined;
  if (!manifest.files[RELEASE_FILES.metrics]) return { manifest };
  const metricsKey = storageKeys.releaseFile(model, version, RELEASE_FILES.metrics);
  return { manifest, metrics: decodeJson<ReleaseMetricsFile>(await store.get(metricsKey), store.uriFor(metricsKey)) };
}

/** Released versions of a model, oldest first (v2 before v10; named versions by creation time after). */
export async function releasedVersions(store: ObjectStore, model: string): Promise<ReleaseManifest[]> {
  const folders = await listVersionFolders(store, model);
  const manifests = await Promise.all(folders.map((v) => readManifest(store, model, v)));
  return manifests
    .filter((m): m is ReleaseManifest => m !== undefined)
    .sort((a, b) => (parseAutoVersion(a.version) ?? Infinity) - (parseAutoVersion(b.version) ?? Infinity) || a.createdAt.localeCompare(b.createdAt));
}

/** The release published last before `version` (by creation time), if any. */
export async function previousRelease(store: ObjectStore, model: string, version: string, createdAt: string): Promise<StoredRelease | undefined> {
  const earlier = (await releasedVersions(store, model)).filter((m) => m.version !== version && m.createdAt < createdAt);
  const last = earlier.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
  return last ? readStoredRelease(store, model, last.version) : undefined;
}

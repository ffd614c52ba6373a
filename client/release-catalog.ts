/** Reading releases: a version exists for readers only once its manifest is there. */
import { createHash } from 'node:crypto';
import { MANIFEST_SCHEMA, RELEASE_FILES, parseAutoVersion, storageKeys, type ReleaseManifest } from '../contracts';
import { listVersionFolders } from '../infra/release-folders';
import { ChannelStore } from '../infra/channel-store';
import type { ObjectStore } from '../infra/object-store';
import { CorruptFileError, NotFoundError } from './errors';

export async function listReleases(store: ObjectStore, model: string): Promise<ReleaseManifest[]> {
  const versions = await listVersionFolders(store, model);
  const manifests = await Promise.all(versions.map((v) => readManifest(store, model, v)));
  return manifests
    .filter((m): m is ReleaseManifest => m !== undefined)
    .sort((a, b) => (parseAutoVersion(a.version) ?? Infinity) - (parseAutoVersion(b.version) ?? Infinity) || a.createdAt.localeCompare(b.createdAt));
}

export async function readManifest(store: ObjectStore, model: string, version: string): Promise<ReleaseManifest | undefined> {
  const key = storageKeys.releaseFile(model, version, RELEASE_FILES.manifest);
  if (!(await store.head(key))) return undefined;
  let manifest: ReleaseManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(await store.get(key))) as ReleaseManifest;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new CorruptFileError(`${store.uriFor(key)} is not valid JSON (${err.message}): the release is damaged; do not use it`);
  }
  if (manifest.schema !== MANIFEST_SCHEMA) {
    throw new CorruptFileError(`${store.uriFor(key)} has schema ${JSON.stringify(manifest.schema)}, expected ${MANIFEST_SCHEMA}: it was written by another liteship version or is damaged`);
  }
  return manifest;
}

/** Downloads one file of a release and checks it against the manifest's sha256 and size. */
export async function fetchReleaseFile(store: ObjectStore, model: string, version: string, file: string = RELEASE_FILES.model) {
  const manifest = await readManifest(store, model, version);
  if (!manifest) {
    const known = (await listReleases(store, model)).map((m) => m.version);
    throw new NotFoundError(
      `no release ${model} ${version}${known.length ? `; released versions: ${known.join(', ')}` : `; ${model} has no releases yet`}`,
    );
  }
  const expected = manifest.files[file];
  if (!expected) throw new NotFoundError(`release ${model} ${version} has no file ${file}; it has ${Object.keys(manifest.files).join(', ')}`);
  const bytes = await store.get(storageKeys.releaseFile(model, version, file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== expected.sha256 || bytes.byteLength !== expected.bytes) {
    throw new CorruptFileError(
      `${file} of ${model} ${version} does not match its manifest (${bytes.byteLength} bytes with sha256 ${sha256}; the manifest lists ` +
        `${expected.bytes} bytes with sha256 ${expected.sha256}): the stored file was changed or damaged, so nothing was written; do not use it`,
    );
  }
  return { manifest, bytes, sha256 };
}

/** A version, or the version a channel points at (a released version of the same name wins). */
export async function resolveVersion(store: ObjectStore, model: string, versionOrChannel: string): Promise<{ version: string; channel?: string }> {
  const channels = new ChannelStore(store);
  const resolved = await channels.resolve(model, versionOrChannel);
  if (resolved) return resolved;
  const known = (await listReleases(store, model)).map((m) => m.version);
  const named = (await channels.list(model)).map((c) => c.channel);
  throw new NotFoundError(
    `no release or channel ${model} ${versionOrChannel}; ` +
      (known.length ? `released versions: ${known.join(', ')}; channels: ${named.join(', ') || 'none'}` : `${model} has no releases yet`),
  );
}

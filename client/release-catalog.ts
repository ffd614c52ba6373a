/** Reading releases: a version exists for readers only once its manifest is there. */
import { createHash } from 'node:crypto';
import { RELEASE_FILES, storageKeys, type ReleaseManifest } from '../contracts';
import type { ObjectStore } from '../infra/object-store';
import { readManifest, releasedVersions } from '../infra/release-records';
import { UsageError } from './io';

export async function listReleases(store: ObjectStore, model: string): Promise<ReleaseManifest[]> {
  return releasedVersions(store, model);
}

export { readManifest };

/** Downloads one file of a release and checks it against the manifest's sha256 and size. */
export async function fetchReleaseFile(store: ObjectStore, model: string, version: string, file: string = RELEASE_FILES.model) {
  const manifest = await readManifest(store, model, version);
  if (!manifest) {
    const known = (await listReleases(store, model)).map((m) => m.version);
    throw new UsageError(
      `no release ${model} ${version}${known.length ? `; released versions: ${known.join(', ')}` : `; ${model} has no releases yet`}`,
    );
  }
  const expected = manifest.files[file];
  if (!expected) throw new UsageError(`release ${model} ${version} has no file ${file}; it has ${Object.keys(manifest.files).join(', ')}`);
  const bytes = await store.get(storageKeys.releaseFile(model, version, file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== expected.sha256 || bytes.byteLength !== expected.bytes) {
    throw new Error(`${file} of ${model} ${version} does not match its manifest (sha256 ${sha256}, expected ${expected.sha256}): do not use it`);
  }
  return { manifest, bytes, sha256 };
}

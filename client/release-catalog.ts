/** Reading releases: a version exists for readers only once its manifest is there. */
import { createHash } from 'node:crypto';
import { MANIFEST_SCHEMA, RELEASE_FILES, parseAutoVersion, storageKeys, type AbandonedClaimFile, type ReleaseClaimFile, type ReleaseManifest } from '../contracts';
import { listVersionFolders } from '../infra/release-folders';
import type { ObjectStore } from '../infra/object-store';
import { UsageError } from './io';

export async function listReleases(store: ObjectStore, model: string): Promise<ReleaseManifest[]> {
  const versions = await listVersionFolders(store, model);
  const manifests = await Promise.all(versions.map((v) => readManifest(store, model, v)));
  return manifests
    .filter((m): m is ReleaseManifest => m !== undefined)
    .sort((a, b) => (parseAutoVersion(a.version) ?? Infinity) - (parseAutoVersion(b.version) ?? Infinity) || a.createdAt.localeCompare(b.createdAt));
}

/** A version number taken by a claim that has no release (yet): a publish in progress, or abandoned by a failed run. */
export interface UnreleasedVersion {
  version: string;
  claim?: ReleaseClaimFile;
  abandoned?: AbandonedClaimFile;
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  if (!(await store.head(key))) return undefined;
  return JSON.parse(new TextDecoder().decode(await store.get(key))) as T;
}

export async function listUnreleasedVersions(store: ObjectStore, model: string): Promise<UnreleasedVersion[]> {
  const versions = await listVersionFolders(store, model);
  const rows = await Promise.all(
    versions.map(async (version): Promise<UnreleasedVersion | undefined> => {
      const key = (file: string) => storageKeys.releaseFile(model, version, file);
      if (await store.head(key(RELEASE_FILES.manifest))) return undefined;
      const [claim, abandoned] = await Promise.all([
        readJson<ReleaseClaimFile>(store, key(RELEASE_FILES.claim)),
        readJson<AbandonedClaimFile>(store, key(RELEASE_FILES.abandoned)),
      ]);
      return { version, ...(claim ? { claim } : {}), ...(abandoned ? { abandoned } : {}) };
    }),
  );
  return rows
    .filter((r): r is UnreleasedVersion => r !== undefined)
    .sort((a, b) => (parseAutoVersion(a.version) ?? Infinity) - (parseAutoVersion(b.version) ?? Infinity));
}

/** One line saying why a version number has no release. */
export function describeUnreleased(u: UnreleasedVersion): string {
  if (u.abandoned) return `${u.version}  abandoned: workflow ${u.abandoned.workflowId} failed after claiming it (${u.abandoned.reason.split('\n')[0]})`;
  if (u.claim) return `${u.version}  claimed by workflow ${u.claim.workflowId} at ${u.claim.claimedAt}, not released: publishing now, or that run stopped (see liteship status ${u.claim.workflowId})`;
  return `${u.version}  a folder with no claim and no manifest (not written by liteship)`;
}

export async function readManifest(store: ObjectStore, model: string, version: string): Promise<ReleaseManifest | undefined> {
  const key = storageKeys.releaseFile(model, version, RELEASE_FILES.manifest);
  if (!(await store.head(key))) return undefined;
  const manifest = JSON.parse(new TextDecoder().decode(await store.get(key))) as ReleaseManifest;
  if (manifest.schema !== MANIFEST_SCHEMA) throw new Error(`${store.uriFor(key)} has schema ${manifest.schema}, expected ${MANIFEST_SCHEMA}`);
  return manifest;
}

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

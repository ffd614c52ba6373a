/** Reading releases: a version exists for readers only once its manifest is there. */
import { createHash } from 'node:crypto';
import { RELEASE_FILES, parseAutoVersion, storageKeys, type AbandonedClaimFile, type ReleaseClaimFile, type ReleaseManifest } from '../contracts';
import { ChannelStore } from '../infra/channel-store';
import { listVersionFolders } from '../infra/release-folders';
import type { ObjectStore } from '../infra/object-store';
import { readJsonIfExists, readManifest, releasedVersions } from '../infra/release-records';
import { CorruptFileError, NotFoundError } from './errors';

export async function listReleases(store: ObjectStore, model: string): Promise<ReleaseManifest[]> {
  return releasedVersions(store, model);
}

export { readManifest };

/** A version number taken by a claim that has no release (yet): a publish in progress, or abandoned by a failed run. */
export interface UnreleasedVersion {
  version: string;
  claim?: ReleaseClaimFile;
  abandoned?: AbandonedClaimFile;
}

export async function listUnreleasedVersions(store: ObjectStore, model: string): Promise<UnreleasedVersion[]> {
  const versions = await listVersionFolders(store, model);
  const rows = await Promise.all(
    versions.map(async (version): Promise<UnreleasedVersion | undefined> => {
      const key = (file: string) => storageKeys.releaseFile(model, version, file);
      if (await store.head(key(RELEASE_FILES.manifest))) return undefined;
      const [claim, abandoned] = await Promise.all([
        readJsonIfExists<ReleaseClaimFile>(store, key(RELEASE_FILES.claim)),
        readJsonIfExists<AbandonedClaimFile>(store, key(RELEASE_FILES.abandoned)),
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

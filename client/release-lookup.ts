/** Finds a published release by version for `report` and `compare`, with a clear error naming what exists. */
import type { ObjectStore } from '../infra/object-store';
import { previousRelease, readStoredRelease, releasedVersions, type StoredRelease } from '../infra/release-records';
import { UsageError } from './io';

export async function requireRelease(store: ObjectStore, model: string, version: string): Promise<StoredRelease> {
  const found = await readStoredRelease(store, model, version);
  if (found) return found;
  const known = (await releasedVersions(store, model)).map((m) => m.version);
  throw new UsageError(`no release ${model} ${version}${known.length ? `; released versions: ${known.join(', ')}` : `; ${model} has no releases in s3://${store.bucket}/`}`);
}

export { previousRelease };

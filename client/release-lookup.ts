/** Finds a published release by version for `report` and `compare`, with a clear error naming what exists. */
import type { ObjectStore } from '../infra/object-store';
import { readStoredRelease, type StoredRelease } from '../infra/release-records';
import { NotFoundError } from './errors';
import { resolveVersion } from './release-catalog';

/** A release by version or channel name (e.g. v4 or stable); a clear NotFound naming what exists otherwise. */
export async function requireRelease(store: ObjectStore, model: string, versionOrChannel: string): Promise<StoredRelease> {
  const { version } = await resolveVersion(store, model, versionOrChannel);
  const found = await readStoredRelease(store, model, version);
  if (found) return found;
  throw new NotFoundError(`${model} ${versionOrChannel} points at ${version}, which has no manifest: see \`liteship releases ${model}\``);
}

/** The version folders under a model in the bucket, released (with a manifest) or not. */
import { storageKeys } from '../contracts';
import type { ObjectStore } from './object-store';

export async function listVersionFolders(store: ObjectStore, model: string): Promise<string[]> {
  const { prefixes } = await store.list(storageKeys.releasePrefix(model), { delimiter: '/' });
  return prefixes.map((p) => p.slice(model.length + 1).replace(/\/$/, '')).filter((v) => v.length > 0);
}

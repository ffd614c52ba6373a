/**
 * Image-folder datasets on the worker's disk or under an s3:// prefix, seen by ml/ through its
 * FolderReader interface (ml/ imports no S3). Listing returns paths relative to the root, with
 * directories ending in "/" so an empty class folder on disk (or an S3 "folder" marker) is seen.
 */
import type { LiteshipConfig } from '../infra/config';
import { createObjectStore } from '../infra/s3-object-store';
import { isS3Uri, parseS3Uri } from '../infra/s3-uri';
import { DatasetError, classFoldersOf, listLocalFolder, type FolderReader } from '../ml';
import { specBucketMissing } from './read-location';

/** Every entry under `root` (recursive): files as "a/b.png", folders as "a/". */
export type ListLocation = (root: string) => Promise<string[]>;

const withSlash = (root: string) => (root.endsWith('/') ? root : `${root}/`);

export { listLocalFolder };

export function createLocationLister(config: LiteshipConfig): ListLocation {
  return async function listLocation(root: string): Promise<string[]> {
    if (isS3Uri(root)) {
      const { bucket, key } = parseS3Uri(withSlash(root));
      const store = createObjectStore({ ...config, storage: { ...config.storage, bucket } });
      try {
        const { keys } = await store.list(key);
        return keys.map((k) => k.slice(key.length)).filter((k) => k.length > 0);
      } catch (err) {
        throw specBucketMissing(err, root, bucket, config, 'data.train / data.test in the spec') ?? err;
      }
    }
    return listLocalFolder(root);
  };
}

export function createFolderReader(list: ListLocation, read: (location: string) => Promise<Uint8Array>): FolderReader {
  const locate = (root: string, relative: string) => `${withSlash(root)}${relative}`;
  return {
    listClasses: async (root) => {
      const entries = await list(root);
      if (entries.length === 0) {
        const layout = isS3Uri(root) ? ` (an s3:// folder is a prefix: ${withSlash(root)}<class>/<image>.png)` : '';
        throw new DatasetError('not-found', root, `is empty or does not exist: check data.train / data.test in the spec${layout}.`);
      }
      return classFoldersOf(entries);
    },
    read: (root, relative) => read(locate(root, relative)),
    describe: (root, relative) => locate(root, relative),
  };
}

/**
 * Image-folder datasets on the worker's disk or under an s3:// prefix, seen by ml/ through its
 * FolderReader interface (ml/ imports no S3). Listing returns paths relative to the root, with
 * directories ending in "/" so an empty class folder on disk (or an S3 "folder" marker) is seen.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LiteshipConfig } from '../infra/config';
import { createObjectStore } from '../infra/s3-object-store';
import { isS3Uri, parseS3Uri } from '../infra/s3-uri';
import { DatasetError, isImageFile, type ClassFolder, type FolderReader } from '../ml';

/** Every entry under `root` (recursive): files as "a/b.png", folders as "a/". */
export type ListLocation = (root: string) => Promise<string[]>;

const withSlash = (root: string) => (root.endsWith('/') ? root : `${root}/`);

export function createLocationLister(config: LiteshipConfig): ListLocation {
  return async function listLocation(root: string): Promise<string[]> {
    if (isS3Uri(root)) {
      const { bucket, key } = parseS3Uri(withSlash(root));
      const store = createObjectStore({ ...config, storage: { ...config.storage, bucket } });
      const { keys } = await store.list(key);
      return keys.map((k) => k.slice(key.length)).filter((k) => k.length > 0);
    }
    return listLocalFolder(root);
  };
}

/** Every entry under a local folder (recursive): files as "a/b.png", folders as "a/". */
export async function listLocalFolder(root: string): Promise<string[]> {
  try {
    const base = withSlash(resolve(root));
    const entries = await readdir(base, { recursive: true, withFileTypes: true });
    return entries.map((e) => {
      const rel = join(e.parentPath, e.name).slice(base.length).split('\\').join('/');
      return e.isDirectory() ? `${rel}/` : rel;
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') {
      throw new DatasetError('not-found', root, `cannot list this image folder on the worker's machine (${code}): check data.train / data.test in the spec.`);
    }
    throw err;
  }
}

/** Groups a listing into class folders: first path segment = class; hidden files and non-images are ignored. */
export function classFoldersOf(entries: string[]): ClassFolder[] {
  const classes = new Map<string, string[]>();
  for (const entry of entries) {
    const parts = entry.split('/');
    const name = parts[0] ?? '';
    if (parts.length < 2 || name === '' || name.startsWith('.')) continue; // files at the root are not in a class
    const files = classes.get(name) ?? [];
    classes.set(name, files);
    const base = parts[parts.length - 1] ?? '';
    if (!entry.endsWith('/') && !base.startsWith('.') && isImageFile(base)) files.push(entry);
  }
  return [...classes.entries()].map(([name, files]) => ({ name, files: files.sort() }));
}

export function createFolderReader(list: ListLocation, read: (location: string) => Promise<Uint8Array>): FolderReader {
  const locate = (root: string, relative: string) => `${withSlash(root)}${relative}`;
  return {
    listClasses: async (root) => {
      const entries = await list(root);
      if (entries.length === 0) throw new DatasetError('not-found', root, 'is empty or does not exist: check data.train / data.test in the spec.');
      return classFoldersOf(entries);
    },
    read: (root, relative) => read(locate(root, relative)),
    describe: (root, relative) => locate(root, relative),
  };
}

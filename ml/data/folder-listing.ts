// Listing an image-folder dataset on the local disk, and grouping any listing
// (local or object store) into class folders. Kept apart from the decoding so
// `liteship init` and the prepare step see a folder the same way.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DatasetError } from './errors';
import type { ClassFolder } from './image-folder';
import { isImageFile } from './image-decode';

const withSlash = (root: string) => (root.endsWith('/') ? root : `${root}/`);

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
      throw new DatasetError('not-found', root, `cannot list this image folder (${code}): check the path (data.train / data.test in a spec; a worker on another machine needs an s3:// prefix).`);
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

/** Reads a data location from the spec: a local path on the worker's machine or any s3:// object. */
import { readFile } from 'node:fs/promises';
import type { LiteshipConfig } from '../infra/config';
import { isS3Uri, parseS3Uri } from '../infra/s3-uri';
import { createObjectStore } from '../infra/s3-object-store';
import { DatasetError } from '../ml/data/errors';

export function createLocationReader(config: LiteshipConfig) {
  return async function readLocation(location: string): Promise<Uint8Array> {
    if (isS3Uri(location)) {
      const { bucket, key } = parseS3Uri(location);
      const store = createObjectStore({ ...config, storage: { ...config.storage, bucket } });
      return store.get(key);
    }
    try {
      return new Uint8Array(await readFile(location));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        throw new DatasetError(
          'not-found',
          location,
          `cannot read this data file on the worker's machine (${code}): check the path in the spec; ` +
            `workers on another machine need an s3:// URI instead of a local path`,
        );
      }
      throw err;
    }
  };
}

/** Reads a data location from the spec: a local path on the worker's machine or any s3:// object. */
import { readFile } from 'node:fs/promises';
import { storageWhere, type LiteshipConfig } from '../infra/config';
import { StorageAccessError } from '../infra/object-store';
import { isS3Uri, parseS3Uri } from '../infra/s3-uri';
import { createObjectStore } from '../infra/s3-object-store';
import { DatasetError } from '../ml/data/errors';

/**
 * A bucket named in the spec that does not exist: the storage error would say to fix
 * LITESHIP_S3_BUCKET (the pipeline's own bucket); here the spec is what to fix.
 */
export function specBucketMissing(err: unknown, location: string, bucket: string, config: LiteshipConfig, fix: string): DatasetError | undefined {
  if (!(err instanceof StorageAccessError) || err.problem !== 'bucket-missing') return undefined;
  return new DatasetError('not-found', location, `the bucket "${bucket}" does not exist at ${storageWhere(config.storage)}: check ${fix} (an s3://bucket/... the workers can read).`);
}

export function createLocationReader(config: LiteshipConfig) {
  return async function readLocation(location: string): Promise<Uint8Array> {
    if (isS3Uri(location)) {
      const { bucket, key } = parseS3Uri(location);
      const store = createObjectStore({ ...config, storage: { ...config.storage, bucket } });
      try {
        return await store.get(key);
      } catch (err) {
        throw specBucketMissing(err, location, bucket, config, 'the s3:// URI in the spec') ?? err;
      }
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

// An ObjectStore in memory, for tests and dry runs: the same answers as the S3 adapter gives against
// MinIO (test/support/object-store-contract.ts holds both to one contract), including conditional
// writes: ifNoneMatch '*' on an existing key -> ObjectAlreadyExistsError, ifMatch with a stale ETag
// or on a missing key -> ObjectChangedError; the object is left untouched either way.
import { createHash } from 'node:crypto';
import type { ListOptions, ListResult, ObjectInfo, ObjectStore, PutOptions } from './object-store';
import { ObjectAlreadyExistsError, ObjectChangedError, ObjectNotFoundError } from './object-store';
import { formatS3Uri } from './s3-uri';

interface StoredObject {
  body: Uint8Array;
  etag: string;
  contentType: string | undefined;
  metadata: Record<string, string>;
}

/** S3 quotes ETags; If-Match accepts either form. */
const unquote = (etag: string) => etag.replace(/^"(.*)"$/, '$1');

export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, StoredObject>();

  constructor(readonly bucket = 'liteship-memory') {}

  uriFor(key: string): string {
    return formatS3Uri(this.bucket, key);
  }

  async put(key: string, body: Uint8Array, opts: PutOptions = {}): Promise<{ etag: string }> {
    await settle(opts.signal);
    const existing = this.objects.get(key);
    if (opts.ifNoneMatch === '*' && existing) throw new ObjectAlreadyExistsError(this.uriFor(key));
    if (opts.ifMatch !== undefined && (!existing || unquote(existing.etag) !== unquote(opts.ifMatch))) {
      throw new ObjectChangedError(this.uriFor(key));
    }
    // Like S3 for a single-part upload: the ETag is the quoted MD5 of the body, and metadata keys are lower-cased.
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    const metadata = Object.fromEntries(Object.entries(opts.metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.objects.set(key, { body: body.slice(), etag, contentType: opts.contentType, metadata });
    return { etag };
  }

  async get(key: string, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    await settle(opts.signal);
    const object = this.objects.get(key);
    if (!object) throw new ObjectNotFoundError(this.uriFor(key));
    return object.body.slice();
  }

  async head(key: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectInfo | undefined> {
    await settle(opts.signal);
    const object = this.objects.get(key);
    return object && { bytes: object.body.byteLength, etag: object.etag, metadata: { ...object.metadata } };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    await settle(opts.signal);
    const keys: string[] = [];
    const prefixes = new Set<string>();
    // S3 lists in UTF-8 byte order; for the keys liteship writes (ASCII) that is plain string order.
    for (const key of [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort()) {
      const cut = opts.delimiter ? key.indexOf(opts.delimiter, prefix.length) : -1;
      if (cut >= 0) prefixes.add(key.slice(0, cut + (opts.delimiter as string).length));
      else keys.push(key);
    }
    return { keys, prefixes: [...prefixes] };
  }
}

/** Every call is asynchronous, as over the network, and an aborted signal fails it the way the SDK does. */
async function settle(signal: AbortSignal | undefined): Promise<void> {
  await Promise.resolve();
  if (signal?.aborted) {
    const err = new Error('The operation was aborted');
    err.name = 'AbortError';
    throw err;
  }
}

// The storage port of liteship: a few operations on one bucket, with typed
// errors so callers can tell "already published" from "cannot reach storage".

export interface PutOptions {
  /** '*' makes the write conditional: it fails with ObjectAlreadyExistsError if the key exists. */
  ifNoneMatch?: '*';
  /**
   * An ETag from head/put: the write happens only if the object still has it, else it fails with
   * ObjectChangedError (also when the object is gone). Compare-and-swap for small mutable pointers.
   */
  ifMatch?: string;
  contentType?: string;
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ObjectInfo {
  bytes: number;
  etag: string;
  metadata: Record<string, string>;
}

export interface ListResult {
  keys: string[];
  /** Common prefixes ("folders") when a delimiter is given. */
  prefixes: string[];
}

export interface ListOptions {
  delimiter?: string;
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ObjectStore {
  readonly bucket: string;
  /** s3://bucket/key for a key in this store. */
  uriFor(key: string): string;
  put(key: string, body: Uint8Array, opts?: PutOptions): Promise<{ etag: string }>;
  /** Throws ObjectNotFoundError when the key does not exist. */
  get(key: string, opts?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /** undefined when the key does not exist. */
  head(key: string, opts?: { signal?: AbortSignal }): Promise<ObjectInfo | undefined>;
  /** Every key under the prefix (all pages, in the server's order); pageSize only changes how many come per request. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
}

export class ObjectAlreadyExistsError extends Error {
  override readonly name = 'ObjectAlreadyExistsError';
  constructor(
    readonly uri: string,
    options?: ErrorOptions,
  ) {
    super(`${uri} already exists and is never overwritten: write to a new key (e.g. a new version)`, options);
  }
}

/** A conditional write (ifMatch) lost: someone changed or removed the object since its ETag was read. */
export class ObjectChangedError extends Error {
  override readonly name = 'ObjectChangedError';
  constructor(
    readonly uri: string,
    options?: ErrorOptions,
  ) {
    super(`${uri} changed since it was read (its ETag no longer matches): read it again and retry`, options);
  }
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(
    readonly uri: string,
    options?: ErrorOptions,
  ) {
    super(`${uri} does not exist: check the key or list the prefix to see what is there`, options);
  }
}

export type StorageAccessProblem =
  | 'bad-credentials'
  | 'no-credentials'
  | 'access-denied'
  | 'bucket-missing'
  | 'unreachable'
  | 'timeout'
  | 'wrong-region'
  | 'unexpected';

/** Storage cannot be used at all: retrying the same call will not help until someone fixes the setup. */
export class StorageAccessError extends Error {
  override readonly name = 'StorageAccessError';
  constructor(
    readonly problem: StorageAccessProblem,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

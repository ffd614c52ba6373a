// The ObjectStore over @aws-sdk/client-s3: works with AWS S3, MinIO and other
// S3-compatible servers. Few attempts and a short connect timeout, so a wrong
// endpoint or wrong credentials fail fast with a StorageAccessError.
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { storageWhere, type LiteshipConfig, type StorageConfig } from './config';
import { readLocalCredentials, credentialsFile } from './local-stack/credentials';
import type { ListOptions, ListResult, ObjectInfo, ObjectStore, PutOptions } from './object-store';
import { ObjectAlreadyExistsError, ObjectChangedError, ObjectNotFoundError, StorageAccessError } from './object-store';
import { bucketMissing, httpStatusOf, toStorageError, type Op, type StorageContext } from './s3-errors';
import { formatS3Uri } from './s3-uri';

export interface S3ObjectStoreOptions {
  storage: StorageConfig;
  /** Shown in credential errors so people know which file holds the local MinIO credentials. */
  stateDir?: string;
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  /** A request with no bytes moving for this long fails (default 30 s). */
  socketTimeoutMs?: number;
  /** Upper bound on one whole request, large uploads included (default 10 min). */
  requestTimeoutMs?: number;
}

export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly client: S3Client;
  private readonly ctx: StorageContext;
  private bucketChecked = false;

  constructor(options: S3ObjectStoreOptions) {
    const s = options.storage;
    this.bucket = s.bucket;
    this.ctx = storageContext(s, options.stateDir);
    this.client = new S3Client({
      region: s.region,
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      forcePathStyle: s.forcePathStyle,
      // A copy: the SDK annotates the object it is given, and ours is shared with the caller.
      ...(s.credentials ? { credentials: { accessKeyId: s.credentials.accessKeyId, secretAccessKey: s.credentials.secretAccessKey } } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 3_000,
        socketTimeout: options.socketTimeoutMs ?? 30_000,
        requestTimeout: options.requestTimeoutMs ?? 10 * 60_000,
        throwOnRequestTimeout: true,
      },
    });
  }

  uriFor(key: string): string {
    return formatS3Uri(this.bucket, key);
  }

  async put(key: string, body: Uint8Array, opts: PutOptions = {}): Promise<{ etag: string }> {
    const cmd = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentLength: body.byteLength,
      ...(opts.ifNoneMatch ? { IfNoneMatch: opts.ifNoneMatch } : {}),
      ...(opts.ifMatch ? { IfMatch: opts.ifMatch } : {}),
      ...(opts.contentType ? { ContentType: opts.contentType } : {}),
      ...(opts.metadata ? { Metadata: opts.metadata } : {}),
    });
    try {
      const out = await this.call('put', key, () => this.client.send(cmd, { abortSignal: opts.signal }));
      return { etag: out.ETag ?? '' };
    } catch (err) {
      // With If-Match, S3 answers 412 for a stale ETag and 404 when the object is gone: both mean "changed".
      if (opts.ifMatch && (err instanceof ObjectAlreadyExistsError || err instanceof ObjectNotFoundError)) {
        throw new ObjectChangedError(this.uriFor(key), { cause: err });
      }
      throw err;
    }
  }

  async get(key: string, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const cmd = new GetObjectCommand({ Bucket: this.bucket, Key: key });
    return this.call('get', key, async () => {
      const out = await this.client.send(cmd, { abortSignal: opts.signal });
      if (!out.Body) return new Uint8Array();
      return out.Body.transformToByteArray();
    });
  }

  async head(key: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectInfo | undefined> {
    const cmd = new HeadObjectCommand({ Bucket: this.bucket, Key: key });
    try {
      const out = await this.call('head', key, () => this.client.send(cmd, { abortSignal: opts.signal }));
      return { bytes: out.ContentLength ?? 0, etag: out.ETag ?? '', metadata: out.Metadata ?? {} };
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err;
      // A HEAD 404 has no body: it means "no such key" or "no such bucket". Tell them apart once.
      await this.assertBucketExists(opts.signal);
      return undefined;
    }
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const keys: string[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const cmd = new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix,
        ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
        ...(opts.pageSize ? { MaxKeys: opts.pageSize } : {}),
        ...(token ? { ContinuationToken: token } : {}),
      });
      const page = await this.call('list', prefix, () => this.client.send(cmd, { abortSignal: opts.signal }));
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) prefixes.push(p.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { keys, prefixes };
  }

  /** Creates the bucket when it does not exist (local MinIO, or a remote account allowed to create buckets). */
  async ensureBucket(): Promise<'exists' | 'created'> {
    try {
      await this.call('bucket', undefined, () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
      this.bucketChecked = true;
      return 'exists';
    } catch (err) {
      if (!(err instanceof StorageAccessError && err.problem === 'bucket-missing')) throw err;
    }
    try {
      await this.call('bucket', undefined, () => this.client.send(new CreateBucketCommand({ Bucket: this.bucket })));
    } catch (err) {
      const name = (err as { cause?: { name?: string } }).cause?.name ?? (err as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou') throw err;
    }
    this.bucketChecked = true;
    return 'created';
  }

  destroy(): void {
    this.client.destroy();
  }

  private async assertBucketExists(signal?: AbortSignal): Promise<void> {
    if (this.bucketChecked) return;
    await this.call('bucket', undefined, () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: signal }),
    );
    this.bucketChecked = true;
  }

  private async call<T>(op: Op, key: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      // HeadBucket answers a missing bucket with a bare 404.
      if (op === 'bucket' && httpStatusOf(err) === 404) {
        throw bucketMissing(this.ctx, { cause: err });
      }
      throw toStorageError(err, op, key, this.ctx);
    }
  }
}

function storageContext(s: StorageConfig, stateDir: string | undefined): StorageContext {
  const credentialsHint =
    s.mode === 'local'
      ? `the local MinIO credentials are in ${stateDir ? credentialsFile(stateDir) : '<state folder>/minio-credentials.json'}; ` +
        `if that file was replaced, run 'liteship dev down' then 'liteship dev up'`
      : 'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE, for the AWS default credential chain';
  return { bucket: s.bucket, where: storageWhere(s), credentialsHint };
}

/**
 * The object store for a config. In local mode the MinIO credentials come from
 * the config when set, else from the state folder.
 */
export function createObjectStore(config: LiteshipConfig, options: Omit<S3ObjectStoreOptions, 'storage' | 'stateDir'> = {}): S3ObjectStore {
  let storage = config.storage;
  if (storage.mode === 'local' && !storage.credentials) {
    const credentials = readLocalCredentials(config.stateDir);
    if (!credentials) {
      throw new StorageAccessError(
        'no-credentials',
        `the local MinIO has no credentials yet (${credentialsFile(config.stateDir)} is missing): run 'liteship dev up' first`,
      );
    }
    storage = { ...storage, credentials };
  }
  return new S3ObjectStore({ ...options, storage, stateDir: config.stateDir });
}

/** Creates the configured bucket if it is missing. */
export async function ensureBucket(config: LiteshipConfig): Promise<'exists' | 'created'> {
  const store = createObjectStore(config);
  try {
    return await store.ensureBucket();
  } finally {
    store.destroy();
  }
}

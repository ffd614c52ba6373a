// Turns AWS SDK / network failures into liteship's typed storage errors with
// a message that says what is wrong, where, and what to check or set.
import { ObjectAlreadyExistsError, ObjectNotFoundError, StorageAccessError } from './object-store';

export interface StorageContext {
  bucket: string;
  /** Human description of the endpoint: "http://127.0.0.1:9000" or "AWS S3 (eu-west-1)". */
  where: string;
  /** What to check when credentials are wrong or missing, e.g. which env vars or file. */
  credentialsHint: string;
}

export type Op = 'put' | 'get' | 'head' | 'list' | 'bucket';

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** The HTTP status of an SDK error, when the server answered. */
export function httpStatusOf(err: unknown): number | undefined {
  return (err as SdkLikeError | undefined)?.$metadata?.httpStatusCode;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);
const BAD_CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired']);

function networkCode(err: SdkLikeError): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as SdkLikeError).code;
    if (code && NETWORK_CODES.has(code)) return code;
    e = (e as SdkLikeError).cause;
  }
  // The SDK re-wraps errors it does not recognise as Error ("AWS SDK error wrapper for Error: connect
  // ECONNREFUSED ..."), e.g. across vm realms under Jest; the code then survives only in the message.
  const inMessage = /\b(E[A-Z]+)\b/.exec(err.message ?? '')?.[1];
  return inMessage && NETWORK_CODES.has(inMessage) ? inMessage : undefined;
}

/**
 * Maps an SDK error for `op` on `key` to a typed error, or returns the original
 * error when it is transient (5xx, throttling) so that callers may retry it.
 */
export function toStorageError(raw: unknown, op: Op, key: string | undefined, ctx: StorageContext): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const err = raw as SdkLikeError;
  if (err.name === 'AbortError') return raw;
  const status = err.$metadata?.httpStatusCode;
  const uri = key !== undefined ? `s3://${ctx.bucket}/${key}` : `s3://${ctx.bucket}`;
  const at = `${uri} at ${ctx.where}`;
  const opts = { cause: raw };

  if (op === 'put' && (status === 412 || err.name === 'PreconditionFailed')) return new ObjectAlreadyExistsError(uri, opts);
  if (err.name === 'NoSuchBucket') return bucketMissing(ctx, opts);
  if (err.name === 'NoSuchKey' || (op === 'get' && status === 404)) return new ObjectNotFoundError(uri, opts);

  if (err.name === 'CredentialsProviderError' || /Could not load credentials/i.test(err.message ?? '')) {
    return new StorageAccessError('no-credentials', `no S3 credentials found for ${at}: ${ctx.credentialsHint}`, opts);
  }
  if (err.name && BAD_CREDENTIALS.has(err.name)) {
    return new StorageAccessError(
      'bad-credentials',
      `S3 rejected the credentials (${err.name}) for ${at}: ${ctx.credentialsHint}`,
      opts,
    );
  }
  if (err.name === 'AccessDenied' || err.name === 'AllAccessDisabled') {
    return new StorageAccessError(
      'access-denied',
      `access denied to ${at}: the credentials are valid but lack permission (s3:GetObject, s3:PutObject, s3:ListBucket ` +
        `on this bucket); check the bucket policy or IAM role, or ${ctx.credentialsHint}`,
      opts,
    );
  }
  if (status === 403) {
    // HEAD responses carry no error body, so "wrong key" and "no permission" look the same.
    return new StorageAccessError(
      'bad-credentials',
      `S3 refused ${op} on ${at} (HTTP 403): the credentials are wrong or lack permission; ${ctx.credentialsHint}`,
      opts,
    );
  }
  if (status === 301 || err.name === 'PermanentRedirect' || err.name === 'AuthorizationHeaderMalformed') {
    return new StorageAccessError(
      'wrong-region',
      `${at} answered that the bucket lives in another region (${err.name ?? status}): set AWS_REGION to the bucket's region`,
      opts,
    );
  }
  const code = networkCode(err);
  if (code) {
    return new StorageAccessError(
      'unreachable',
      `cannot reach the S3 endpoint ${ctx.where} (${code}) for ${uri}: check that the server is running and the address is ` +
        `right (LITESHIP_S3_ENDPOINT, or 'liteship dev status' for the local MinIO)`,
      opts,
    );
  }
  if (err.name === 'TimeoutError' || err.name === 'RequestTimeout') {
    return new StorageAccessError(
      'timeout',
      `the S3 endpoint ${ctx.where} did not answer in time for ${op} ${uri}: check the network and LITESHIP_S3_ENDPOINT`,
      opts,
    );
  }
  if ((op === 'put' || op === 'list') && status !== undefined && status >= 400 && status < 500 && err.message === 'UnknownError') {
    // put and list always get an S3 error document back; a bare 4xx means some other HTTP server (or a proxy) answered.
    return new StorageAccessError(
      'unexpected',
      `${ctx.where} answered HTTP ${status} without an S3 error to ${op} ${uri}: check that LITESHIP_S3_ENDPOINT points at an S3-compatible server`,
      opts,
    );
  }
  if (status !== undefined && status >= 400 && status < 500 && ![404, 408, 409, 429].includes(status)) {
    // Any other client error (e.g. 400 for a key MinIO will not store, such as one with ".." in it)
    // fails the same way on every retry: say what the server answered.
    const answer = err.name && err.name !== 'Unknown' ? `${err.name}: ${err.message ?? ''}` : 'no S3 error document';
    return new StorageAccessError('unexpected', `${ctx.where} refused ${op} ${uri} with HTTP ${status} (${answer}): check the key, the bucket and LITESHIP_S3_ENDPOINT`, opts);
  }
  return raw;
}

export function bucketMissing(ctx: StorageContext, options?: ErrorOptions): StorageAccessError {
  return new StorageAccessError(
    'bucket-missing',
    `bucket ${ctx.bucket} does not exist at ${ctx.where}: create it, or set LITESHIP_S3_BUCKET to an existing bucket ` +
      `('liteship dev up' creates it for the local MinIO)`,
    options,
  );
}

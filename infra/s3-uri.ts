// s3://bucket/key references: the form artifact refs take between activities.
import { FailureType, type FailureDeclaration } from '../contracts/errors';

export interface S3Location {
  bucket: string;
  key: string;
}

export class InvalidS3UriError extends Error {
  override readonly name = 'InvalidS3UriError';
  static readonly failure: FailureDeclaration = { type: FailureType.invalidSpec, retryable: false };
}

export function isS3Uri(value: string): boolean {
  return value.startsWith('s3://');
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match || !match[1] || !match[2]) {
    throw new InvalidS3UriError(`${JSON.stringify(uri)} is not an S3 URI: expected s3://<bucket>/<key>`);
  }
  return { bucket: match[1], key: match[2] };
}

export function formatS3Uri(bucket: string, key: string): string {
  if (!bucket || bucket.includes('/')) throw new InvalidS3UriError(`invalid bucket name ${JSON.stringify(bucket)}`);
  if (!key) throw new InvalidS3UriError(`an S3 URI needs a key (bucket ${bucket})`);
  return `s3://${bucket}/${key.replace(/^\/+/, '')}`;
}

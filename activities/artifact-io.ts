/** Content-checked reads and writes of artifacts: every ref carries the sha256 its reader verifies. */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType, type ArtifactRef } from '../contracts';
import { ObjectAlreadyExistsError, type ObjectStore, type PutOptions } from '../infra/object-store';
import { parseS3Uri } from '../infra/s3-uri';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function keyOf(ref: Pick<ArtifactRef, 'uri'>, store: ObjectStore): string {
  const { bucket, key } = parseS3Uri(ref.uri);
  if (bucket !== store.bucket) {
    throw ApplicationFailure.nonRetryable(`artifact ${ref.uri} is not in this worker's bucket ${store.bucket}`, FailureType.corruptArtifact);
  }
  return key;
}

export class ArtifactIO {
  constructor(private readonly store: ObjectStore) {}

  private refFor(key: string, bytes: Uint8Array, sha256 = sha256Hex(bytes)): ArtifactRef {
    return { uri: this.store.uriFor(key), sha256, bytes: bytes.byteLength };
  }

  /** The ref of bytes already stored under `key` whose sha256 and size are known (e.g. a dataset shard). */
  refAt(key: string, sha256: string, bytes: number): ArtifactRef {
    return { uri: this.store.uriFor(key), sha256, bytes };
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<ArtifactRef> {
    await this.store.put(key, bytes, options);
    return this.refFor(key, bytes);
  }

  /**
   * Content-addressed write of bytes whose sha256 the caller already has (it names the key):
   * the same bytes are stored once, and a large dataset is neither hashed nor uploaded twice.
   */
  async putOnce(key: string, bytes: Uint8Array, sha256: string): Promise<ArtifactRef> {
    const ref = this.refFor(key, bytes, sha256);
    const existing = await this.store.head(key);
    if (existing && existing.bytes === bytes.byteLength) return ref;
    try {
      await this.store.put(key, bytes, { ifNoneMatch: '*' });
    } catch (err) {
      if (!(err instanceof ObjectAlreadyExistsError)) throw err;
    }
    return ref;
  }

  /** Reads an artifact and checks it is byte for byte what was written. */
  async get(ref: ArtifactRef): Promise<Uint8Array> {
    const bytes = await this.store.get(keyOf(ref, this.store));
    const actual = sha256Hex(bytes);
    if (bytes.byteLength !== ref.bytes || actual !== ref.sha256) {
      // Retryable: a torn read may succeed next time; a real corruption fails after the retries.
      throw ApplicationFailure.retryable(
        `artifact ${ref.uri} is corrupt: expected ${ref.bytes} bytes with sha256 ${ref.sha256}, read ${bytes.byteLength} bytes with sha256 ${actual}`,
        FailureType.corruptArtifact,
      );
    }
    return bytes;
  }
}

// The S3 adapter against the real MinIO of the test stack: the shared ObjectStore contract (the one
// MemoryObjectStore also meets) plus what only a real bucket has.
import crypto from 'node:crypto';
import { StorageAccessError } from '../../../infra/object-store';
import { createObjectStore, S3ObjectStore } from '../../../infra/s3-object-store';
import { objectStoreContract } from '../../support/object-store-contract';
import { testConfig } from '../../support/stack';

const config = testConfig();
const store = createObjectStore(config);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

afterAll(() => store.destroy());

objectStoreContract(() => store);

test('a missing bucket is a StorageAccessError that names the bucket, for put, get, head and list', async () => {
  const bucket = `liteship-missing-${crypto.randomBytes(4).toString('hex')}`;
  const missing = new S3ObjectStore({ storage: { ...config.storage, bucket }, stateDir: config.stateDir });
  try {
    for (const call of [
      () => missing.put('k', bytes('x')),
      () => missing.get('k'),
      () => missing.head('k'),
      () => missing.list(''),
    ]) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StorageAccessError);
      expect(err).toMatchObject({ problem: 'bucket-missing' });
      expect((err as Error).message).toContain(`bucket ${bucket} does not exist at ${config.storage.endpoint}`);
    }
  } finally {
    missing.destroy();
  }
});

test('ensureBucket creates a missing bucket once and then reports it exists', async () => {
  const bucket = `liteship-it-${crypto.randomBytes(4).toString('hex')}`;
  const fresh = new S3ObjectStore({ storage: { ...config.storage, bucket }, stateDir: config.stateDir });
  try {
    await expect(fresh.ensureBucket()).resolves.toBe('created');
    await expect(fresh.ensureBucket()).resolves.toBe('exists');
    await fresh.put('k', bytes('x'));
    expect(text(await fresh.get('k'))).toBe('x');
  } finally {
    fresh.destroy();
  }
});

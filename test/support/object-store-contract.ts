// One contract for every ObjectStore: the S3 adapter meets it against the real MinIO
// (test/integration/infra/object-store.test.ts) and MemoryObjectStore in memory
// (test/unit/infra/memory-object-store.test.ts), so the fake gives the answers MinIO gives.
import crypto from 'node:crypto';
import { ObjectAlreadyExistsError, ObjectChangedError, ObjectNotFoundError, type ObjectStore } from '../../infra/object-store';
import { parseS3Uri } from '../../infra/s3-uri';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Declares the contract's tests; `store()` is called inside each test, keys are unique per call. */
export function objectStoreContract(store: () => ObjectStore): void {
  const run = `contract/${Date.now()}-${crypto.randomBytes(3).toString('hex')}`;

  test('put then get, head and uriFor round-trip bytes and metadata', async () => {
    const key = `${run}/a/model.tflite`;
    const body = crypto.randomBytes(100_000);
    const { etag } = await store().put(key, body, { contentType: 'application/octet-stream', metadata: { sha256: 'abc123' } });

    expect(Buffer.from(await store().get(key)).equals(body)).toBe(true);
    const info = await store().head(key);
    expect(info).toEqual({ bytes: 100_000, etag, metadata: { sha256: 'abc123' } });
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(parseS3Uri(store().uriFor(key))).toEqual({ bucket: store().bucket, key });
  });

  test('the bytes handed to put and returned by get are copies', async () => {
    const key = `${run}/copies`;
    const body = bytes('abc');
    await store().put(key, body);
    body[0] = 0x7a;
    const read = await store().get(key);
    read[1] = 0x7a;
    expect(text(await store().get(key))).toBe('abc');
  });

  test('ifNoneMatch "*" on an existing key fails with ObjectAlreadyExistsError and leaves the object untouched', async () => {
    const key = `${run}/immutable/manifest.json`;
    await store().put(key, bytes('first'), { ifNoneMatch: '*' });
    const second = store().put(key, bytes('second'), { ifNoneMatch: '*' });
    await expect(second).rejects.toBeInstanceOf(ObjectAlreadyExistsError);
    await expect(second).rejects.toThrow(`s3://${store().bucket}/${key} already exists`);
    expect(text(await store().get(key))).toBe('first');
  });

  test('ifMatch with the current ETag replaces the object and returns the new ETag', async () => {
    const key = `${run}/channel/stable`;
    const first = await store().put(key, bytes('v1'));
    const second = await store().put(key, bytes('v2'), { ifMatch: first.etag });
    expect(second.etag).not.toBe(first.etag);
    expect(text(await store().get(key))).toBe('v2');
    expect((await store().head(key))?.etag).toBe(second.etag);
  });

  test('ifMatch with a stale ETag fails with ObjectChangedError and leaves the object untouched', async () => {
    const key = `${run}/channel/stale`;
    const first = await store().put(key, bytes('v1'));
    await store().put(key, bytes('v2'), { ifMatch: first.etag });
    const lost = store().put(key, bytes('v3'), { ifMatch: first.etag });
    await expect(lost).rejects.toBeInstanceOf(ObjectChangedError);
    await expect(lost).rejects.toThrow(`s3://${store().bucket}/${key} changed since it was read`);
    expect(text(await store().get(key))).toBe('v2');
  });

  test('ifMatch on a missing key fails with ObjectChangedError and creates nothing', async () => {
    const key = `${run}/channel/gone`;
    const etag = (await store().put(`${run}/channel/other`, bytes('x'))).etag;
    await expect(store().put(key, bytes('v1'), { ifMatch: etag })).rejects.toBeInstanceOf(ObjectChangedError);
    await expect(store().head(key)).resolves.toBeUndefined();
  });

  test('an unconditional write replaces the object (the conditional one is what protects releases)', async () => {
    const key = `${run}/pointer/latest`;
    await store().put(key, bytes('v1'));
    await store().put(key, bytes('v2'));
    expect(text(await store().get(key))).toBe('v2');
  });

  test('missing keys: get throws ObjectNotFoundError, head returns undefined', async () => {
    const key = `${run}/does/not/exist`;
    await expect(store().get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store().get(key)).rejects.toThrow(`s3://${store().bucket}/${key} does not exist`);
    await expect(store().head(key)).resolves.toBeUndefined();
  });

  test('list follows every page and splits keys from prefixes with a delimiter', async () => {
    const keys = ['m/1/a', 'm/1/b', 'm/2/a', 'm/3/a', 'm/top'].map((k) => `${run}/list/${k}`);
    for (const key of [...keys].reverse()) await store().put(key, bytes(key));

    const all = await store().list(`${run}/list/`, { pageSize: 2 });
    expect(all.keys).toEqual(keys);
    expect(all.prefixes).toEqual([]);

    const folders = await store().list(`${run}/list/m/`, { delimiter: '/', pageSize: 1 });
    expect(folders.prefixes).toEqual([`${run}/list/m/1/`, `${run}/list/m/2/`, `${run}/list/m/3/`]);
    expect(folders.keys).toEqual([`${run}/list/m/top`]);

    await expect(store().list(`${run}/list/nothing-here/`)).resolves.toEqual({ keys: [], prefixes: [] });
  });

  test('an aborted signal cancels the request', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(store().get(`${run}/a/model.tflite`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(store().put(`${run}/aborted`, bytes('x'), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(store().head(`${run}/aborted`)).resolves.toBeUndefined();
  });
}

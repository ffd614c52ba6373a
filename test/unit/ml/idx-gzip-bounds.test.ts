// A .gz IDX file is decompressed no further than its header declares: a gzip bomb (or data
// appended to a file) is a clear DatasetError, and memory stays near the declared size.
import { gzipSync } from 'node:zlib';
import { DatasetError, encodeIdx, parseIdx } from '../../../ml';
import { MAX_IDX_BYTES } from '../../../ml/data/idx';
import { thrownBy } from './fixtures';

/** gzip members concatenated decode as one stream: 64 copies of 16 MiB of zeros is 1 GiB from ~1 MB. */
function bombAfter(header: Uint8Array, copies: number): Uint8Array {
  const zeros = gzipSync(new Uint8Array(16 * 2 ** 20), { level: 9 });
  return Buffer.concat([gzipSync(header), ...Array.from({ length: copies }, () => zeros)]);
}

function datasetError(fn: () => unknown): DatasetError {
  const caught = thrownBy(fn);
  expect(caught).toBeInstanceOf(DatasetError);
  return caught as DatasetError;
}

test('a gzip bomb behind a small header stops at the declared size, with a clear error and bounded memory', () => {
  // The header declares 100 labels; the stream goes on for 1 GiB of zeros.
  const header = encodeIdx({ dtype: 'uint8', dims: [100], data: new Uint8Array(100) });
  const bomb = bombAfter(header, 64);
  expect(bomb.length).toBeLessThan(2 * 2 ** 20);
  const before = process.memoryUsage().rss;
  const started = Date.now();
  const err = datasetError(() => parseIdx(bomb, 'train-labels.idx1-ubyte.gz'));
  const grewMiB = (process.memoryUsage().rss - before) / 2 ** 20;
  expect(err.code).toBe('trailing-bytes');
  expect(err.message).toBe(
    'train-labels.idx1-ubyte.gz: decompresses to more than the 108 bytes its IDX header declares (dims 100): the header ' +
      'dimensions are wrong, another file was appended, or the file is a decompression bomb. Re-export the file.',
  );
  // Unbounded, this decompresses 1 GiB; bounded, it stops within the first few chunks.
  expect(grewMiB).toBeLessThan(64);
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('a header that declares more than liteship reads from one file is refused before decompressing', () => {
  const huge = new Uint8Array(4 + 12);
  huge[2] = 0x08;
  huge[3] = 3;
  const view = new DataView(huge.buffer);
  [60_000, 28_000, 28_000].forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const err = datasetError(() => parseIdx(bombAfter(huge, 1), 'images.gz'));
  expect(err.code).toBe('too-large');
  expect(err.message).toBe(
    `images.gz: the IDX header declares ${16 + 60_000 * 28_000 * 28_000} bytes (dims 60000x28000x28000), more than liteship reads ` +
      `from one file (${MAX_IDX_BYTES} bytes): split the data into several files, or check the header if the file should be smaller.`,
  );
});

test('a header split across gzip members, and a gzip stream of a short file, still parse or fail as uncompressed ones do', () => {
  const raw = encodeIdx({ dtype: 'int16', dims: [3, 2], data: new Int16Array([1, -2, 3, -4, 5, -6]) });
  const split = Buffer.concat([gzipSync(raw.subarray(0, 6)), gzipSync(raw.subarray(6))]);
  expect([...parseIdx(split, 'split.gz').data]).toEqual([1, -2, 3, -4, 5, -6]);
  expect(datasetError(() => parseIdx(gzipSync(new Uint8Array([0, 0])), 'tiny.gz')).code).toBe('too-small');
  expect(datasetError(() => parseIdx(gzipSync(raw.subarray(0, raw.length - 1)), 'short.gz')).code).toBe('truncated');
  expect(datasetError(() => parseIdx(gzipSync(new Uint8Array([0, 0, 8, 2, 0, 0])), 'head.gz')).code).toBe('truncated-header');
});

test('a large, incompressible file reads whole (the header arrives after many compressed bytes)', () => {
  const data = new Uint8Array(300_000).map((_, i) => (i * 2654435761) >>> 24);
  const raw = encodeIdx({ dtype: 'uint8', dims: [300, 1000], data });
  const t = parseIdx(gzipSync(raw, { level: 0 }), 'stored.gz');
  expect(t.dims).toEqual([300, 1000]);
  expect(t.data[299_999]).toBe(data[299_999]);
});

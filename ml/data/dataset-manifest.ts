// The prepared dataset as stored: a small JSON manifest naming its shards by
// sha256. The manifest's own sha256 is the data fingerprint a release records,
// so anything in it (shards, class names, the source files' names and bytes)
// changing makes a different dataset.
import { DatasetError } from './errors';

export const DATASET_FORMAT = 'liteship.dataset/v2';

export interface ShardInfo {
  sha256: string;
  bytes: number;
  count: number;
}

export interface SplitManifest {
  count: number;
  shards: ShardInfo[];
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  source: string;
  imageShape: [number, number, number];
  numClasses: number;
  /** Class names by label index (image folders: the sorted folder names). */
  labels?: string[];
  /** Image folders: sha256 over every input file's relative path and bytes. */
  filesSha256?: string;
  /** Images left out because `onBadImage` is "skip", with why. */
  skipped: SkippedFile[];
  train: SplitManifest;
  test: SplitManifest;
}

/** Canonical bytes: fixed key order, so the same dataset always hashes the same. */
export function encodeDatasetManifest(m: DatasetManifest): Uint8Array {
  const split = (s: SplitManifest) => ({ count: s.count, shards: s.shards.map((x) => ({ sha256: x.sha256, bytes: x.bytes, count: x.count })) });
  const canonical = {
    format: m.format,
    source: m.source,
    imageShape: [...m.imageShape],
    numClasses: m.numClasses,
    ...(m.labels ? { labels: [...m.labels] } : {}),
    ...(m.filesSha256 ? { filesSha256: m.filesSha256 } : {}),
    skipped: m.skipped.map((s) => ({ file: s.file, reason: s.reason })),
    train: split(m.train),
    test: split(m.test),
  };
  return new TextEncoder().encode(`${JSON.stringify(canonical)}\n`);
}

export function decodeDatasetManifest(bytes: Uint8Array, source = 'dataset manifest'): DatasetManifest {
  const fail = (what: string): never => {
    throw new DatasetError('corrupt-encoding', source, `corrupt dataset manifest: ${what}. Run the data preparation step again.`);
  };
  let m: Partial<DatasetManifest> = {};
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<DatasetManifest>;
  } catch (err) {
    fail(`not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (m.format !== DATASET_FORMAT) fail(`format is ${JSON.stringify(m.format)}, expected "${DATASET_FORMAT}"`);
  const posInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
  if (!Array.isArray(m.imageShape) || m.imageShape.length !== 3 || !m.imageShape.every(posInt)) fail('imageShape is not three positive integers');
  if (!posInt(m.numClasses)) fail('numClasses is not a positive integer');
  for (const name of ['train', 'test'] as const) {
    const s = m[name];
    if (!s || !Array.isArray(s.shards) || !posInt(s.count)) return fail(`${name} lacks count or shards`);
    const total = s.shards.reduce((a, x) => a + (posInt(x.count) && typeof x.sha256 === 'string' ? x.count : NaN), 0);
    if (total !== s.count) fail(`${name} shards hold ${total} examples but count is ${s.count}`);
  }
  if (!Array.isArray(m.skipped)) fail('skipped is not a list');
  return m as DatasetManifest;
}

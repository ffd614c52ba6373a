// One shard of a prepared dataset: a run of examples of one split, stored as its
// own content-addressed blob so training can stream a dataset larger than memory.
//
//   0  "LSSH"                magic
//   4  uint32 LE version (1)
//   8  uint32 LE header length H
//   12 header: UTF-8 JSON {count, imageShape, numClasses, payloadSha256}
//   .. zero padding to a multiple of 8
//   .. payload: images (count * h * w * c uint8), labels (count uint8)
//
// Deterministic (same examples -> same bytes), and the header carries the payload's
// sha256 so a shard read from anywhere is checked before it is used.
import { createHash } from 'node:crypto';
import { DatasetError } from './errors';
import { checkImageSet, imageSize } from './image-set';
import type { ImageSet } from './image-set';

const MAGIC = 'LSSH';
const VERSION = 1;
const PREFIX = 12;
const FIX = 'Delete the stored dataset and run the data preparation step again.';

/** Pixels per shard before a new one starts: small enough that a few fit in a worker's memory at once. */
export const SHARD_TARGET_BYTES = 8 * 1024 * 1024;

/** Examples per shard for images of `shape` (at least one). */
export function shardCapacity(shape: readonly [number, number, number], targetBytes = SHARD_TARGET_BYTES): number {
  return Math.max(1, Math.floor(targetBytes / imageSize(shape)));
}

const pad8 = (n: number): number => (8 - (n % 8)) % 8;

export function encodeShard(set: ImageSet): Uint8Array {
  checkImageSet(set, 'dataset shard');
  const payloadSha256 = createHash('sha256').update(set.images).update(set.labels).digest('hex');
  const header = { count: set.count, imageShape: [...set.imageShape], numClasses: set.numClasses, payloadSha256 };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = PREFIX + json.length + pad8(PREFIX + json.length);
  const out = new Uint8Array(start + set.images.length + set.labels.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, PREFIX);
  out.set(set.images, start);
  out.set(set.labels, start + set.images.length);
  return out;
}

/** Decodes and checks a shard; the arrays are views into `bytes`. */
export function decodeShard(bytes: Uint8Array, source = 'dataset shard'): ImageSet {
  const fail = (what: string): never => {
    throw new DatasetError('corrupt-encoding', source, `corrupt dataset shard: ${what}. ${FIX}`);
  };
  if (bytes.length < PREFIX) fail(`${bytes.length} bytes is shorter than the ${PREFIX}-byte prefix`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail(`it does not start with "${MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VERSION) fail(`format version ${version} is not supported (this build reads version ${VERSION})`);
  const length = view.getUint32(8, true);
  if (PREFIX + length > bytes.length) fail(`header length ${length} runs past the end`);
  let header: { count?: unknown; imageShape?: unknown; numClasses?: unknown; payloadSha256?: unknown } = {};
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + length))) as typeof header;
  } catch (err) {
    fail(`header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const shape = header.imageShape;
  const ints = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
  if (!ints(header.count) || !ints(header.numClasses) || !Array.isArray(shape) || shape.length !== 3 || !shape.every(ints)) {
    return fail('header lacks count, imageShape or numClasses');
  }
  const imageShape: [number, number, number] = [shape[0] as number, shape[1] as number, shape[2] as number];
  const start = PREFIX + length + pad8(PREFIX + length);
  const pixels = header.count * imageSize(imageShape);
  if (bytes.length - start !== pixels + header.count) fail(`payload is ${bytes.length - start} bytes, expected ${pixels + header.count}`);
  const payload = bytes.subarray(start);
  const sha = createHash('sha256').update(payload).digest('hex');
  if (sha !== header.payloadSha256) fail(`payload sha256 is ${sha} but the header says ${String(header.payloadSha256)}`);
  const set: ImageSet = {
    images: payload.subarray(0, pixels),
    labels: payload.subarray(pixels),
    count: header.count,
    imageShape,
    numClasses: header.numClasses,
  };
  checkImageSet(set, source);
  return set;
}

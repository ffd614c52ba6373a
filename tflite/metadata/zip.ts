// The associated-files archive TFLite Support appends after a model's flatbuffer: a
// zip of stored (uncompressed) entries whose offsets count from the start of the whole
// .tflite file, as Python's zipfile writes when it appends to the model file. The file
// is then both a valid flatbuffer and a valid zip. Written here rather than with a zip
// library because the entries must be placed at an offset the library does not know;
// stored entries need only headers and a CRC-32.
import { InvalidTfliteError } from '../errors';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
// Fixed DOS timestamp 1980-01-01 00:00 keeps files byte-identical across runs.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

let crcTable: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** `prefix` followed by a stored zip of `entries`, offsets counted from the start of `prefix`. */
export function appendStoredZip(prefix: Uint8Array, entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map((e) => encoder.encode(e.name));
  const localSize = entries.reduce((sum, e, i) => sum + 30 + (names[i]?.length ?? 0) + e.data.length, 0);
  const centralSize = names.reduce((sum, n) => sum + 46 + n.length, 0);
  const out = new Uint8Array(prefix.length + localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  out.set(prefix, 0);
  let at = prefix.length;
  const offsets: number[] = [];
  const crcs = entries.map((e) => crc32(e.data));
  entries.forEach((entry, i) => {
    const name = names[i] ?? new Uint8Array(0);
    offsets.push(at);
    view.setUint32(at, LOCAL_HEADER, true);
    view.setUint16(at + 4, 10, true); // version needed: 1.0
    view.setUint16(at + 6, 0x0800, true); // UTF-8 names
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 10, DOS_TIME, true);
    view.setUint16(at + 12, DOS_DATE, true);
    view.setUint32(at + 14, crcs[i] ?? 0, true);
    view.setUint32(at + 18, entry.data.length, true);
    view.setUint32(at + 22, entry.data.length, true);
    view.setUint16(at + 26, name.length, true);
    view.setUint16(at + 28, 0, true);
    out.set(name, at + 30);
    out.set(entry.data, at + 30 + name.length);
    at += 30 + name.length + entry.data.length;
  });
  const centralStart = at;
  entries.forEach((entry, i) => {
    const name = names[i] ?? new Uint8Array(0);
    view.setUint32(at, CENTRAL_HEADER, true);
    view.setUint16(at + 4, 20, true); // made by: MS-DOS, spec 2.0
    view.setUint16(at + 6, 10, true);
    view.setUint16(at + 8, 0x0800, true);
    view.setUint16(at + 10, 0, true);
    view.setUint16(at + 12, DOS_TIME, true);
    view.setUint16(at + 14, DOS_DATE, true);
    view.setUint32(at + 16, crcs[i] ?? 0, true);
    view.setUint32(at + 20, entry.data.length, true);
    view.setUint32(at + 24, entry.data.length, true);
    view.setUint16(at + 28, name.length, true);
    // extra, comment, disk number, internal attributes: 0
    view.setUint32(at + 38, 0, true); // external attributes
    view.setUint32(at + 42, offsets[i] ?? 0, true);
    out.set(name, at + 46);
    at += 46 + name.length;
  });
  view.setUint32(at, END_OF_CENTRAL_DIRECTORY, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - centralStart, true);
  view.setUint32(at + 16, centralStart, true);
  return out;
}

/**
 * The stored entries of a zip appended to `file`, or undefined when the file has none.
 * Tolerates offsets counted from the zip's own start (some writers do that) by
 * shifting them by where the central directory actually is.
 */
export function readAppendedZip(file: Uint8Array): ZipEntry[] | undefined {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  let end = -1;
  for (let at = file.length - 22; at >= Math.max(0, file.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY && at + 22 + view.getUint16(at + 20, true) === file.length) {
      end = at;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const recorded = view.getUint32(end + 16, true);
  const centralStart = end - size;
  const shift = centralStart - recorded;
  const bad = (what: string): never => {
    throw new InvalidTfliteError(`the associated-files zip at the end of the file is corrupt: ${what}`);
  };
  if (centralStart < 0) bad(`its central directory (${size} bytes) starts before the file`);
  const entries: ZipEntry[] = [];
  let at = centralStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== CENTRAL_HEADER) bad(`central entry ${i} is missing`);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressed = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true) + shift;
    const name = new TextDecoder().decode(file.subarray(at + 46, at + 46 + nameLength));
    if (method !== 0) bad(`entry ${name} is compressed (method ${method}); TFLite associated files are stored`);
    if (local < 0 || local + 30 > centralStart || view.getUint32(local, true) !== LOCAL_HEADER) bad(`entry ${name} has no local header at ${local}`);
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataStart + compressed > centralStart) bad(`entry ${name} runs past the central directory`);
    const data = file.subarray(dataStart, dataStart + compressed);
    if (crc32(data) !== crc) bad(`entry ${name} fails its CRC-32 check`);
    entries.push({ name, data });
    at += 46 + skip;
  }
  return entries;
}

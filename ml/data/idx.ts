// Reader for the IDX format used by MNIST (http://yann.lecun.com/exdb/mnist/):
//   bytes 0-1: zero, byte 2: element type code, byte 3: number of dimensions,
//   then one big-endian uint32 per dimension, then the elements, big-endian,
//   row-major. Every structural fact is checked, because a truncated download
//   otherwise turns into a model silently trained on garbage.
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DatasetError } from './errors';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  dtype: IdxDtype;
  dims: number[];
  /** Row-major elements, already converted to host byte order. */
  data: IdxData;
}

interface ElementType {
  dtype: IdxDtype;
  size: number;
}

const ELEMENT_TYPES: ReadonlyMap<number, ElementType> = new Map([
  [0x08, { dtype: 'uint8', size: 1 }],
  [0x09, { dtype: 'int8', size: 1 }],
  [0x0b, { dtype: 'int16', size: 2 }],
  [0x0c, { dtype: 'int32', size: 4 }],
  [0x0d, { dtype: 'float32', size: 4 }],
  [0x0e, { dtype: 'float64', size: 8 }],
]);

const VALID_CODES = '0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64';
const REDOWNLOAD = 'Re-export or re-download the file.';

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0').toUpperCase()}`;

/** True when the bytes carry the gzip signature (1F 8B). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an IDX file (optionally gzip-compressed). `source` names the file in
 * error messages. Throws DatasetError on any structural problem.
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxTensor {
  const raw = isGzip(bytes) ? gunzip(bytes, source) : bytes;
  const n = raw.length;
  if (n < 4) {
    throw new DatasetError(
      'too-small',
      source,
      `the file is ${n} bytes, smaller than the 4-byte IDX magic number. It is empty or not an IDX file; check the path. ${REDOWNLOAD}`,
    );
  }
  const [b0, b1, code, rank] = [raw[0] ?? 0, raw[1] ?? 0, raw[2] ?? 0, raw[3] ?? 0];
  if (b0 !== 0 || b1 !== 0) {
    throw new DatasetError(
      'bad-magic',
      source,
      `not an IDX file: the magic number must start with two zero bytes but starts with ${hex(b0)} ${hex(b1)}. ` +
        'Pass an IDX file such as train-images-idx3-ubyte (raw or .gz), not a CSV, image or other archive.',
    );
  }
  const type = ELEMENT_TYPES.get(code);
  if (!type) {
    throw new DatasetError(
      'bad-type',
      source,
      `unknown IDX element type code ${hex(code)} (byte 3 of the magic number); valid codes are ${VALID_CODES}. ` +
        `The file is corrupt or not an IDX file. ${REDOWNLOAD}`,
    );
  }
  if (rank < 1) {
    throw new DatasetError(
      'bad-rank',
      source,
      `the IDX header declares 0 dimensions (byte 4 of the magic number); at least 1 is needed. ${REDOWNLOAD}`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (n < headerBytes) {
    throw new DatasetError(
      'truncated-header',
      source,
      `truncated header: ${rank} dimensions need a ${headerBytes}-byte header but the file has only ${n} bytes. ${REDOWNLOAD}`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const shape = dims.join('x');
  const zeroAt = dims.indexOf(0);
  if (zeroAt >= 0) {
    throw new DatasetError(
      'zero-dim',
      source,
      `dimension ${zeroAt + 1} of ${rank} is 0 (dims ${shape}), so the file holds no data. Re-export it with at least one element.`,
    );
  }
  const count = dims.reduce((a, d) => a * d, 1);
  const dataBytes = count * type.size;
  const expected = headerBytes + dataBytes;
  const declared =
    type.size === 1
      ? `${shape} = ${dataBytes} bytes of ${type.dtype} data`
      : `${shape} = ${count} ${type.dtype} values = ${dataBytes} bytes of data`;
  if (n < expected) {
    throw new DatasetError(
      'truncated',
      source,
      `truncated: header says ${declared} but the file has ${n - headerBytes} (expected ${expected} bytes in total). ${REDOWNLOAD}`,
    );
  }
  if (n > expected) {
    throw new DatasetError(
      'trailing-bytes',
      source,
      `${n - expected} unexpected trailing byte${n - expected === 1 ? '' : 's'}: header says ${declared}, so the file should be ${expected} bytes but it is ${n}. ` +
        'The header dimensions are wrong or another file was appended; re-export the file.',
    );
  }
  return { dtype: type.dtype, dims, data: readElements(view, headerBytes, count, type.dtype) };
}

function readElements(view: DataView, offset: number, count: number, dtype: IdxDtype): IdxData {
  switch (dtype) {
    case 'uint8':
      // Copy so the result does not pin (or alias) the caller's buffer.
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * The most one IDX file may hold once decompressed: MNIST's largest file is 47 MB; a gigabyte is a
 * dataset to split into files (or shards), not one array to hold in a worker's memory.
 */
export const MAX_IDX_BYTES = 2 ** 30;
/** The longest IDX header: 4 bytes of magic number and 255 dimensions. */
const MAX_HEADER_BYTES = 4 + 4 * 255;

/**
 * Decompresses a .gz IDX file no further than its header allows: the header is read from the
 * first bytes of the stream, then the whole file is decompressed with an output limit of the
 * size the header declares (and never more than MAX_IDX_BYTES), so a file that decompresses to
 * more (a gzip bomb, or data appended) stops at that limit with a clear error instead of filling
 * the worker's memory.
 */
function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  const head = gunzipHead(bytes, source);
  const declared = declaredSize(head);
  // A header that declares nothing sensible is reported by parseIdx from these first bytes.
  if (declared === undefined) return head;
  if (declared > MAX_IDX_BYTES) {
    throw new DatasetError(
      'too-large',
      source,
      `the IDX header declares ${declared} bytes (dims ${idxDims(head).join('x')}), more than liteship reads from one file ` +
        `(${MAX_IDX_BYTES} bytes): split the data into several files, or check the header if the file should be smaller.`,
    );
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: declared });
  } catch (err) {
    // Node's documented code for "the output limit was reached" (a RangeError from Node's own realm).
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DatasetError(
        'trailing-bytes',
        source,
        `decompresses to more than the ${declared} bytes its IDX header declares (dims ${idxDims(head).join('x')}): the header ` +
          'dimensions are wrong, another file was appended, or the file is a decompression bomb. Re-export the file.',
      );
    }
    throw gzipError(err, source);
  }
}

/** At least the IDX header's bytes from the start of the stream (or all of a shorter file), decompressing a bounded prefix. */
function gunzipHead(bytes: Uint8Array, source: string): Uint8Array {
  // Deflate expands at most ~1032:1, so a prefix of n compressed bytes yields at most ~1 MB per KB.
  for (let n = 1024; ; n *= 8) {
    const prefix = bytes.subarray(0, Math.min(n, bytes.length));
    let out: Uint8Array;
    try {
      out = gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 1032 * n + MAX_HEADER_BYTES });
    } catch (err) {
      throw gzipError(err, source);
    }
    const headerBytes = out.length >= 4 ? 4 + 4 * (out[3] ?? 0) : MAX_HEADER_BYTES;
    if (out.length >= headerBytes || prefix.length === bytes.length) return out;
  }
}

function idxDims(head: Uint8Array): number[] {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return Array.from({ length: head[3] ?? 0 }, (_, i) => view.getUint32(4 + 4 * i, false));
}

/** Header plus data bytes the header declares, or undefined when the header is not a usable IDX header. */
function declaredSize(head: Uint8Array): number | undefined {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0) return undefined;
  const type = ELEMENT_TYPES.get(head[2] ?? 0);
  const rank = head[3] ?? 0;
  if (!type || rank < 1 || head.length < 4 + 4 * rank) return undefined;
  const dims = idxDims(head);
  if (dims.includes(0)) return undefined;
  return 4 + 4 * rank + dims.reduce((a, d) => a * d, 1) * type.size;
}

function gzipError(err: unknown, source: string): DatasetError {
  const reason = err instanceof Error ? err.message : String(err);
  return new DatasetError(
    'gzip',
    source,
    `starts with the gzip signature but cannot be decompressed (${reason}); the download is probably incomplete. ${REDOWNLOAD}`,
  );
}

/** Encodes a tensor as IDX bytes (big-endian); used for fixtures and exports. */
export function encodeIdx(tensor: IdxTensor): Uint8Array {
  const entry = [...ELEMENT_TYPES.entries()].find(([, t]) => t.dtype === tensor.dtype);
  if (!entry) throw new Error(`encodeIdx: unsupported dtype ${tensor.dtype}`);
  const [code, { size }] = entry;
  const count = tensor.dims.reduce((a, d) => a * d, 1);
  if (count !== tensor.data.length) {
    throw new Error(`encodeIdx: dims ${tensor.dims.join('x')} hold ${count} elements but data has ${tensor.data.length}`);
  }
  const header = 4 + 4 * tensor.dims.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = tensor.dims.length;
  tensor.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const data = tensor.data;
  for (let i = 0; i < count; i++) {
    const v = data[i] ?? 0;
    const at = header + i * size;
    switch (tensor.dtype) {
      case 'uint8': view.setUint8(at, v); break;
      case 'int8': view.setInt8(at, v); break;
      case 'int16': view.setInt16(at, v, false); break;
      case 'int32': view.setInt32(at, v, false); break;
      case 'float32': view.setFloat32(at, v, false); break;
      case 'float64': view.setFloat64(at, v, false); break;
    }
  }
  return out;
}

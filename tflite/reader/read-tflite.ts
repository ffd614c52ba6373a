// readTflite(): parses any .tflite (liteship's or TensorFlow's converter's) into a
// typed description. Reads only; never executes the model.
import { InvalidTfliteError } from '../errors';
import { elementCount } from '../graph/graph';
import { readModelMetadata } from '../metadata/read';
import { TFLITE_METADATA } from '../metadata/schema';
import { readAppendedZip } from '../metadata/zip';
import { bytesPerElement, operatorName, tensorTypeName } from '../schema/enums';
import type {
  AssociatedFileDescription, BufferDescription, MetadataDescription, OperatorCodeDescription, OperatorDescription,
  SignatureDescription, SubGraphDescription, TensorDescription, TfliteModelDescription,
} from './description';
import { decodeBuiltinOptions } from './options';
import { TableReader } from './table-reader';

const TEXT_METADATA = new Set(['min_runtime_version']);

function readOperatorCode(t: TableReader): OperatorCodeDescription {
  // Runtimes take the larger of the old byte field and the int32 field.
  const builtinCode = Math.max(t.int8(0), t.int32(3));
  return { builtinCode, name: operatorName(builtinCode), version: t.int32(2, 1), customCode: t.string(1) };
}

function readTensor(t: TableReader, index: number, bufferBytes: readonly BufferDescription[]): TensorDescription {
  const q = t.table(4, `tensor ${index} quantization`);
  const scale = q?.float32s(2) ?? [];
  const buffer = t.uint32(2);
  const type = t.int8(1);
  return {
    index,
    name: t.string(3) ?? '',
    shape: t.int32s(0),
    shapeSignature: t.has(7) ? t.int32s(7) : undefined,
    type,
    typeName: tensorTypeName(type),
    buffer,
    dataBytes: buffer === 0 ? 0 : bufferBytes[buffer]?.bytes ?? 0,
    isVariable: t.bool(5),
    sparse: t.has(6),
    quantization: q === undefined || scale.length === 0 ? undefined : {
      scale, zeroPoint: q.int64s(3), quantizedDimension: q.int32(6), min: q.float32s(0), max: q.float32s(1),
    },
  };
}

function readOperator(t: TableReader, index: number, codes: readonly OperatorCodeDescription[]): OperatorDescription {
  const opcodeIndex = t.uint32(0);
  const code = codes[opcodeIndex];
  if (code === undefined) throw new InvalidTfliteError(`operator ${index} uses opcode_index ${opcodeIndex}, but the model has ${codes.length} operator codes`);
  const optionsType = t.uint8(3);
  return {
    index, opcodeIndex, name: code.name, version: code.version,
    inputs: t.int32s(1), outputs: t.int32s(2), optionsType,
    options: decodeBuiltinOptions(optionsType, t.table(4, `operator ${index} options`)),
  };
}

function readSubGraph(t: TableReader, buffers: readonly BufferDescription[], codes: readonly OperatorCodeDescription[]): SubGraphDescription {
  return {
    name: t.string(4) ?? '',
    tensors: t.tables(0, 'tensors').map((tensor, i) => readTensor(tensor, i, buffers)),
    inputs: t.int32s(1),
    outputs: t.int32s(2),
    operators: t.tables(3, 'operators').map((op, i) => readOperator(op, i, codes)),
  };
}

function readSignature(t: TableReader): SignatureDescription {
  const maps = (id: number): SignatureDescription['inputs'] =>
    t.tables(id, 'signature tensor map').map((m) => ({ name: m.string(0) ?? '', tensorIndex: m.uint32(1) }));
  return { key: t.string(2) ?? '', subgraphIndex: t.uint32(4), inputs: maps(0), outputs: maps(1) };
}

function readBuffers(model: TableReader, file: Uint8Array): { buffers: BufferDescription[]; data: Array<Uint8Array | undefined> } {
  const tables = model.tables(4, 'buffers');
  const data = tables.map((b) => b.bytes(0));
  const buffers = tables.map((b, index) => {
    const offset = b.uint64(1);
    const size = b.uint64(2);
    // Offsets > 1 point outside the flatbuffer (models over 2 GB).
    if (offset > 1) return { index, bytes: size, offset };
    const inline = data[index];
    return inline === undefined || inline.length === 0
      ? { index, bytes: 0 }
      : { index, bytes: inline.length, offset: inline.byteOffset - file.byteOffset };
  });
  return { buffers, data };
}

export function readTflite(bytes: Uint8Array): TfliteModelDescription {
  if (bytes.length < 8) throw new InvalidTfliteError(`a .tflite file needs at least 8 bytes; got ${bytes.length}`);
  const identifier = new TextDecoder().decode(bytes.subarray(4, 8));
  if (identifier !== 'TFL3') {
    throw new InvalidTfliteError(`bytes 4-7 are "${identifier.replace(/[^\x20-\x7e]/g, '?')}", not the TFLite file identifier "TFL3": this is not a .tflite file`);
  }
  const model = TableReader.root(bytes, 'model');
  const schemaVersion = model.uint32(0);
  const operatorCodes = model.tables(1, 'operator_codes').map(readOperatorCode);
  const { buffers, data } = readBuffers(model, bytes);
  const subgraphs = model.tables(2, 'subgraphs').map((s) => readSubGraph(s, buffers, operatorCodes));
  const main = subgraphs[0];
  if (main === undefined) throw new InvalidTfliteError('the model has no subgraphs');
  const metadata: MetadataDescription[] = model.tables(6, 'metadata').map((m) => {
    const name = m.string(0) ?? '';
    const buffer = m.uint32(1);
    const content = data[buffer];
    const text = TEXT_METADATA.has(name) && content !== undefined
      ? new TextDecoder().decode(content).replace(/\0+$/, '')
      : undefined;
    return { name, buffer, bytes: buffers[buffer]?.bytes ?? 0, text };
  });
  const tfliteMetadata = data[metadata.find((m) => m.name === TFLITE_METADATA)?.buffer ?? -1];
  const tensorAt = (i: number): TensorDescription => {
    const tensor = main.tensors[i];
    if (tensor === undefined) throw new InvalidTfliteError(`subgraph input/output ${i} is not a tensor index (the subgraph has ${main.tensors.length} tensors)`);
    return tensor;
  };
  return {
    fileBytes: bytes.length,
    schemaVersion,
    description: model.string(3),
    operatorCodes,
    subgraphs,
    tensors: main.tensors,
    operators: main.operators,
    inputs: main.inputs.map(tensorAt),
    outputs: main.outputs.map(tensorAt),
    signatures: model.tables(7, 'signature_defs').map(readSignature),
    metadata,
    minRuntimeVersion: metadata.find((m) => m.name === 'min_runtime_version')?.text,
    buffers,
    ...(tfliteMetadata ? { modelMetadata: readModelMetadata(tfliteMetadata), associatedFiles: associatedFiles(bytes) } : {}),
  };
}

/** Files packed after the flatbuffer (looked for only in files that carry TFLite Support metadata). */
function associatedFiles(bytes: Uint8Array): AssociatedFileDescription[] {
  return (readAppendedZip(bytes) ?? []).map(({ name, data }) => {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(data);
    return { name, bytes: data.length, ...(name.endsWith('.txt') ? { text } : {}) };
  });
}

/** Element count x element size, for checking that a constant's buffer matches its shape. */
export function expectedDataBytes(tensor: TensorDescription): number | undefined {
  const size = bytesPerElement(tensor.type);
  return size === undefined ? undefined : elementCount(tensor.shape) * size;
}

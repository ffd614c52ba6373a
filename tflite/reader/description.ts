// The typed description readTflite() returns: everything `liteship inspect` prints.
import type { ModelMetadataDescription } from '../metadata/types';

export interface QuantizationDescription {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  min: number[];
  max: number[];
}

export interface TensorDescription {
  index: number;
  name: string;
  shape: number[];
  /** shape_signature when present (-1 = dynamic dimension). */
  shapeSignature?: number[];
  type: number;
  typeName: string;
  buffer: number;
  /** Bytes of constant data (0 for activations). */
  dataBytes: number;
  isVariable: boolean;
  sparse: boolean;
  quantization?: QuantizationDescription;
}

export interface OperatorCodeDescription {
  builtinCode: number;
  name: string;
  version: number;
  customCode?: string;
}

export interface OperatorDescription {
  index: number;
  opcodeIndex: number;
  name: string;
  version: number;
  inputs: number[];
  outputs: number[];
  optionsType: number;
  /** Decoded builtin options for the tables liteship knows; undefined otherwise. */
  options?: Record<string, number | boolean | string | number[]>;
}

export interface SubGraphDescription {
  name: string;
  tensors: TensorDescription[];
  inputs: number[];
  outputs: number[];
  operators: OperatorDescription[];
}

export interface SignatureDescription {
  key: string;
  subgraphIndex: number;
  inputs: Array<{ name: string; tensorIndex: number }>;
  outputs: Array<{ name: string; tensorIndex: number }>;
}

export interface MetadataDescription {
  name: string;
  buffer: number;
  bytes: number;
  /** The decoded value for textual entries such as min_runtime_version. */
  text?: string;
}

/** A file packed in the zip appended after the flatbuffer (TFLite Support associated files). */
export interface AssociatedFileDescription {
  name: string;
  bytes: number;
  /** Content of text files (labels.txt). */
  text?: string;
}

export interface BufferDescription {
  index: number;
  bytes: number;
  /** Where the data starts in the file: inline data, or (models > 2 GB) after the flatbuffer. */
  offset?: number;
}

export interface TfliteModelDescription {
  fileBytes: number;
  schemaVersion: number;
  description?: string;
  operatorCodes: OperatorCodeDescription[];
  subgraphs: SubGraphDescription[];
  /** Main subgraph (index 0) shortcuts. */
  tensors: TensorDescription[];
  operators: OperatorDescription[];
  inputs: TensorDescription[];
  outputs: TensorDescription[];
  signatures: SignatureDescription[];
  metadata: MetadataDescription[];
  minRuntimeVersion?: string;
  buffers: BufferDescription[];
  /** The TFLITE_METADATA entry (TFLite Support's ModelMetadata), when the file has one. */
  modelMetadata?: ModelMetadataDescription;
  /** Files packed after the flatbuffer, when the file has TFLite Support metadata. */
  associatedFiles?: AssociatedFileDescription[];
}

// liteship's TFLite library: converter, reader and the intermediate graph that
// quantization plugs into. Pure: no file system, no Temporal, no S3.
export { convert, buildGraph } from './convert/convert';
export type { ConvertOptions } from './convert/convert';
export { lowerModel } from './convert/lower-model';
export { converterTable, supportedLayerClasses } from './convert/registry';
export { SUPPORTED_ACTIVATIONS } from './convert/layers/activations';
export { readTflite, expectedDataBytes } from './reader/read-tflite';
export { byteBudget, layerOfTensor } from './reader/byte-budget';
export type { ByteBudget } from './reader/byte-budget';
export type * from './reader/description';
export { serializeGraph, SIGNATURE_KEY, MIN_RUNTIME_METADATA } from './writer/serialize';
export type { SerializeOptions } from './writer/serialize';
export { optimizeGraph } from './graph/passes';
export type { OptimizeOptions } from './graph/passes';
export type * from './graph/graph';
export { opVersion, MAX_VERSION_TFLITE_2_9 } from './schema/op-versions';
export * from './schema/enums';
export * from './metadata';
export { checkSupported } from './convert/lower-model';
export {
  ConversionError, UnsupportedLayerError, UnsupportedLayerConfigError, UnsupportedModelError, InvalidTfliteError,
} from './errors';

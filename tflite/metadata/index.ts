// TFLite Model Metadata (tflite-support's metadata_schema.fbs): writing it for liteship's
// image classifiers and reading it from any file. Pure: bytes in, bytes out.
export { appendAssociatedFiles, classifierMetadata, indexLabels, LABELS_FILE, MetadataOptionsError } from './classifier';
export type { ClassifierMetadataOptions, ClassifierMetadataParts } from './classifier';
export { buildModelMetadata } from './build';
export { readModelMetadata } from './read';
export { readAppendedZip } from './zip';
export type { ZipEntry } from './zip';
export { TFLITE_METADATA, METADATA_IDENTIFIER, MIN_PARSER_VERSION } from './schema';
export type * from './types';

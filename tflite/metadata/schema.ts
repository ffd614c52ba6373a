// Facts of TFLite Support's metadata_schema.fbs (tensorflow/tflite-support,
// tensorflow_lite_support/metadata/metadata_schema.fbs) that liteship writes and reads.
// Field ids follow declaration order; a union takes two ids (type, then value).

/** Model.metadata entry name under which the ModelMetadata flatbuffer is stored. */
export const TFLITE_METADATA = 'TFLITE_METADATA';
/** file_identifier of metadata_schema.fbs. */
export const METADATA_IDENTIFIER = 'M001';
/**
 * Lowest metadata parser that understands every field liteship writes (names, version,
 * ImageProperties, NormalizationOptions, Stats, TENSOR_AXIS_LABELS): all are 1.0.0 fields.
 */
export const MIN_PARSER_VERSION = '1.0.0';

export enum AssociatedFileType {
  UNKNOWN = 0,
  DESCRIPTIONS = 1,
  TENSOR_AXIS_LABELS = 2,
  TENSOR_VALUE_LABELS = 3,
  TENSOR_AXIS_SCORE_CALIBRATION = 4,
  VOCABULARY = 5,
  SCANN_INDEX_FILE = 6,
}

export enum ColorSpaceType {
  UNKNOWN = 0,
  RGB = 1,
  GRAYSCALE = 2,
}

/** ContentProperties union members. */
export enum ContentPropertiesType {
  NONE = 0,
  FeatureProperties = 1,
  ImageProperties = 2,
  BoundingBoxProperties = 3,
  AudioProperties = 4,
}

/** ProcessUnitOptions union members. */
export enum ProcessUnitOptionsType {
  NONE = 0,
  NormalizationOptions = 1,
  ScoreCalibrationOptions = 2,
  ScoreThresholdingOptions = 3,
  BertTokenizerOptions = 4,
  SentencePieceTokenizerOptions = 5,
  RegexTokenizerOptions = 6,
}

/** Field ids per table (declaration order in metadata_schema.fbs). */
export const FIELD = {
  ModelMetadata: { name: 0, description: 1, version: 2, subgraphMetadata: 3, author: 4, license: 5, associatedFiles: 6, minParserVersion: 7 },
  SubGraphMetadata: { name: 0, description: 1, inputTensorMetadata: 2, outputTensorMetadata: 3, associatedFiles: 4 },
  TensorMetadata: { name: 0, description: 1, dimensionNames: 2, content: 3, processUnits: 4, stats: 5, associatedFiles: 6 },
  Content: { contentPropertiesType: 0, contentProperties: 1, range: 2 },
  ImageProperties: { colorSpace: 0, defaultSize: 1 },
  ImageSize: { width: 0, height: 1 },
  ProcessUnit: { optionsType: 0, options: 1 },
  NormalizationOptions: { mean: 0, std: 1 },
  Stats: { max: 0, min: 1 },
  AssociatedFile: { name: 0, description: 1, type: 2, locale: 3, version: 4 },
} as const;

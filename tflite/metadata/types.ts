// What liteship puts into (and reads back from) a file's TFLite Model Metadata:
// the image-classifier subset that TFLite Model Maker writes and Android's Task
// Library reads.

export type ColorSpace = 'RGB' | 'GRAYSCALE' | 'UNKNOWN';

export interface ImageInputMetadata {
  /** Display name of the input tensor ("image"). */
  name: string;
  description?: string;
  colorSpace: ColorSpace;
  /** Image size the model expects. */
  width: number;
  height: number;
  /** (pixel - mean) / std per channel (one value = every channel), as NormalizationOptions. */
  mean: number[];
  std: number[];
  /** Range of the values the tensor receives after normalization, as Stats. */
  min: number[];
  max: number[];
}

export interface AssociatedFileMetadata {
  name: string;
  description?: string;
  type: 'TENSOR_AXIS_LABELS' | 'DESCRIPTIONS' | 'TENSOR_VALUE_LABELS' | 'VOCABULARY' | 'UNKNOWN' | string;
}

export interface ScoresOutputMetadata {
  /** Display name of the output tensor ("probability"). */
  name: string;
  description?: string;
  /** Range of the scores (softmax: [0], [1]). */
  min: number[];
  max: number[];
  /** The labels file attached to this tensor (one label per line, class-index order). */
  labelsFile: string;
}

/** What buildModelMetadata writes. */
export interface ImageClassifierMetadata {
  name: string;
  description: string;
  version: string;
  author?: string;
  license?: string;
  input: ImageInputMetadata;
  output: ScoresOutputMetadata;
}

/** What readModelMetadata returns: any ModelMetadata, liteship's or another writer's. */
export interface ModelMetadataDescription {
  name?: string;
  description?: string;
  version?: string;
  author?: string;
  license?: string;
  minParserVersion?: string;
  subgraphs: Array<{
    name?: string;
    inputs: TensorMetadataDescription[];
    outputs: TensorMetadataDescription[];
  }>;
}

export interface TensorMetadataDescription {
  name?: string;
  description?: string;
  content?: 'FeatureProperties' | 'ImageProperties' | 'BoundingBoxProperties' | 'AudioProperties' | 'none';
  colorSpace?: ColorSpace;
  imageSize?: { width: number; height: number };
  normalization?: { mean: number[]; std: number[] };
  stats?: { min: number[]; max: number[] };
  associatedFiles: AssociatedFileMetadata[];
}

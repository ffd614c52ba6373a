// buildModelMetadata(): an image classifier's ModelMetadata flatbuffer (identifier M001),
// the way TFLite Model Maker's image_classifier MetadataWriter lays it out: one subgraph,
// the image input with ImageProperties, NormalizationOptions and Stats, the score output
// with FeatureProperties, Stats and its TENSOR_AXIS_LABELS file.
import { Builder } from 'flatbuffers';
import type { Offset } from 'flatbuffers';
import { float32Vector, offsetVector } from '../writer/tables';
import {
  AssociatedFileType, ColorSpaceType, ContentPropertiesType, FIELD, METADATA_IDENTIFIER, MIN_PARSER_VERSION, ProcessUnitOptionsType,
} from './schema';
import type { ImageClassifierMetadata } from './types';

function optionalString(b: Builder, value: string | undefined): Offset | undefined {
  return value === undefined ? undefined : b.createString(value);
}

function table(b: Builder, fieldCount: number, fields: Array<[id: number, offset: Offset | undefined]>): Offset {
  b.startObject(fieldCount);
  for (const [id, offset] of fields) if (offset !== undefined) b.addFieldOffset(id, offset, 0);
  return b.endObject();
}

function writeStats(b: Builder, min: readonly number[], max: readonly number[]): Offset {
  const maxVector = float32Vector(b, max);
  const minVector = float32Vector(b, min);
  return table(b, 2, [[FIELD.Stats.max, maxVector], [FIELD.Stats.min, minVector]]);
}

function writeContent(b: Builder, type: ContentPropertiesType, properties: Offset): Offset {
  b.startObject(3);
  b.addFieldInt8(FIELD.Content.contentPropertiesType, type, ContentPropertiesType.NONE);
  b.addFieldOffset(FIELD.Content.contentProperties, properties, 0);
  return b.endObject();
}

function writeImageInput(b: Builder, input: ImageClassifierMetadata['input']): Offset {
  const name = b.createString(input.name);
  const description = optionalString(b, input.description);
  b.startObject(2);
  b.addFieldInt32(FIELD.ImageSize.width, input.width, 0);
  b.addFieldInt32(FIELD.ImageSize.height, input.height, 0);
  const size = b.endObject();
  b.startObject(2);
  b.addFieldInt8(FIELD.ImageProperties.colorSpace, ColorSpaceType[input.colorSpace], ColorSpaceType.UNKNOWN);
  b.addFieldOffset(FIELD.ImageProperties.defaultSize, size, 0);
  const content = writeContent(b, ContentPropertiesType.ImageProperties, b.endObject());
  const mean = float32Vector(b, input.mean);
  const std = float32Vector(b, input.std);
  const normalization = table(b, 2, [[FIELD.NormalizationOptions.mean, mean], [FIELD.NormalizationOptions.std, std]]);
  b.startObject(2);
  b.addFieldInt8(FIELD.ProcessUnit.optionsType, ProcessUnitOptionsType.NormalizationOptions, ProcessUnitOptionsType.NONE);
  b.addFieldOffset(FIELD.ProcessUnit.options, normalization, 0);
  const processUnits = offsetVector(b, [b.endObject()]);
  const stats = writeStats(b, input.min, input.max);
  return table(b, 7, [
    [FIELD.TensorMetadata.name, name],
    [FIELD.TensorMetadata.description, description],
    [FIELD.TensorMetadata.content, content],
    [FIELD.TensorMetadata.processUnits, processUnits],
    [FIELD.TensorMetadata.stats, stats],
  ]);
}

function writeScoresOutput(b: Builder, output: ImageClassifierMetadata['output']): Offset {
  const name = b.createString(output.name);
  const description = optionalString(b, output.description);
  const content = writeContent(b, ContentPropertiesType.FeatureProperties, table(b, 0, []));
  const stats = writeStats(b, output.min, output.max);
  const fileName = b.createString(output.labelsFile);
  const fileDescription = b.createString('Labels for the classes the model can recognize, one per line in class-index order.');
  b.startObject(5);
  b.addFieldOffset(FIELD.AssociatedFile.name, fileName, 0);
  b.addFieldOffset(FIELD.AssociatedFile.description, fileDescription, 0);
  b.addFieldInt8(FIELD.AssociatedFile.type, AssociatedFileType.TENSOR_AXIS_LABELS, AssociatedFileType.UNKNOWN);
  const files = offsetVector(b, [b.endObject()]);
  return table(b, 7, [
    [FIELD.TensorMetadata.name, name],
    [FIELD.TensorMetadata.description, description],
    [FIELD.TensorMetadata.content, content],
    [FIELD.TensorMetadata.stats, stats],
    [FIELD.TensorMetadata.associatedFiles, files],
  ]);
}

/** The ModelMetadata flatbuffer bytes to store under Model.metadata "TFLITE_METADATA". */
export function buildModelMetadata(meta: ImageClassifierMetadata): Uint8Array {
  const b = new Builder(1024);
  const input = writeImageInput(b, meta.input);
  const output = writeScoresOutput(b, meta.output);
  const subgraph = table(b, 10, [
    [FIELD.SubGraphMetadata.inputTensorMetadata, offsetVector(b, [input])],
    [FIELD.SubGraphMetadata.outputTensorMetadata, offsetVector(b, [output])],
  ]);
  const root = table(b, 8, [
    [FIELD.ModelMetadata.name, b.createString(meta.name)],
    [FIELD.ModelMetadata.description, b.createString(meta.description)],
    [FIELD.ModelMetadata.version, b.createString(meta.version)],
    [FIELD.ModelMetadata.subgraphMetadata, offsetVector(b, [subgraph])],
    [FIELD.ModelMetadata.author, optionalString(b, meta.author)],
    [FIELD.ModelMetadata.license, optionalString(b, meta.license)],
    [FIELD.ModelMetadata.minParserVersion, b.createString(MIN_PARSER_VERSION)],
  ]);
  b.finish(root, METADATA_IDENTIFIER);
  return b.asUint8Array().slice();
}

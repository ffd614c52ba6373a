// readModelMetadata(): a TFLITE_METADATA buffer (ModelMetadata flatbuffer) into a plain
// description. Reads any writer's metadata; fields liteship does not know are skipped.
import { InvalidTfliteError } from '../errors';
import { TableReader } from '../reader/table-reader';
import { AssociatedFileType, ColorSpaceType, ContentPropertiesType, FIELD, METADATA_IDENTIFIER, ProcessUnitOptionsType } from './schema';
import type { AssociatedFileMetadata, ColorSpace, ModelMetadataDescription, TensorMetadataDescription } from './types';

function readAssociatedFiles(t: TableReader, id: number): AssociatedFileMetadata[] {
  return t.tables(id, 'associated_files').map((f) => ({
    name: f.string(FIELD.AssociatedFile.name) ?? '',
    ...(f.has(FIELD.AssociatedFile.description) ? { description: f.string(FIELD.AssociatedFile.description) } : {}),
    type: AssociatedFileType[f.int8(FIELD.AssociatedFile.type)] ?? `type ${f.int8(FIELD.AssociatedFile.type)}`,
  }));
}

function readTensorMetadata(t: TableReader): TensorMetadataDescription {
  const out: TensorMetadataDescription = { associatedFiles: readAssociatedFiles(t, FIELD.TensorMetadata.associatedFiles) };
  const name = t.string(FIELD.TensorMetadata.name);
  if (name !== undefined) out.name = name;
  const description = t.string(FIELD.TensorMetadata.description);
  if (description !== undefined) out.description = description;
  const content = t.table(FIELD.TensorMetadata.content, 'content');
  if (content) {
    const type = content.uint8(FIELD.Content.contentPropertiesType);
    out.content = (ContentPropertiesType[type] ?? 'none') as TensorMetadataDescription['content'];
    const properties = content.table(FIELD.Content.contentProperties, 'content_properties');
    if (type === ContentPropertiesType.ImageProperties && properties) {
      out.colorSpace = (ColorSpaceType[properties.int8(FIELD.ImageProperties.colorSpace)] ?? 'UNKNOWN') as ColorSpace;
      const size = properties.table(FIELD.ImageProperties.defaultSize, 'default_size');
      if (size) out.imageSize = { width: size.uint32(FIELD.ImageSize.width), height: size.uint32(FIELD.ImageSize.height) };
    }
  }
  for (const unit of t.tables(FIELD.TensorMetadata.processUnits, 'process_units')) {
    const options = unit.table(FIELD.ProcessUnit.options, 'process unit options');
    if (unit.uint8(FIELD.ProcessUnit.optionsType) === ProcessUnitOptionsType.NormalizationOptions && options) {
      out.normalization = { mean: options.float32s(FIELD.NormalizationOptions.mean), std: options.float32s(FIELD.NormalizationOptions.std) };
    }
  }
  const stats = t.table(FIELD.TensorMetadata.stats, 'stats');
  if (stats) out.stats = { min: stats.float32s(FIELD.Stats.min), max: stats.float32s(FIELD.Stats.max) };
  return out;
}

export function readModelMetadata(bytes: Uint8Array): ModelMetadataDescription {
  const identifier = bytes.length >= 8 ? new TextDecoder().decode(bytes.subarray(4, 8)) : '';
  if (identifier !== METADATA_IDENTIFIER) {
    throw new InvalidTfliteError(`the TFLITE_METADATA buffer has identifier "${identifier.replace(/[^\x20-\x7e]/g, '?')}", not "${METADATA_IDENTIFIER}": it is not a ModelMetadata flatbuffer`);
  }
  const root = TableReader.root(bytes, 'TFLITE_METADATA');
  const f = FIELD.ModelMetadata;
  const pick = (key: keyof ModelMetadataDescription, id: number): Partial<Record<typeof key, string>> => {
    const value = root.string(id);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    ...pick('name', f.name),
    ...pick('description', f.description),
    ...pick('version', f.version),
    ...pick('author', f.author),
    ...pick('license', f.license),
    ...pick('minParserVersion', f.minParserVersion),
    subgraphs: root.tables(f.subgraphMetadata, 'subgraph_metadata').map((s) => ({
      ...(s.has(FIELD.SubGraphMetadata.name) ? { name: s.string(FIELD.SubGraphMetadata.name) } : {}),
      inputs: s.tables(FIELD.SubGraphMetadata.inputTensorMetadata, 'input_tensor_metadata').map(readTensorMetadata),
      outputs: s.tables(FIELD.SubGraphMetadata.outputTensorMetadata, 'output_tensor_metadata').map(readTensorMetadata),
    })),
  };
}

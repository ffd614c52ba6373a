/**
 * One entry point for every file encoding liteship ships: float32, float16 weights,
 * dynamic-range int8 weights, and full int8 calibrated on representative samples;
 * any of them optionally with pruned FULLY_CONNECTED weights in TFLite's sparse encoding.
 * Pure: the interpreter used for calibration is injected.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { convert } from './convert/convert';
import { convertFullInt8 } from './quantize/convert-int8';
import { dynamicRangeTransform } from './quantize/dynamic';
import { float16Transform } from './quantize/float16';
import type { LoadInterpreter } from './quantize/graph-calibration';
import { sparseWeightsTransform, type SparseWeightsReport } from './quantize/sparse-weights';
import type { Graph } from './graph/graph';
import { appendAssociatedFiles, classifierMetadata, type ClassifierMetadataOptions } from './metadata/classifier';

import type { QuantizationVariant } from '../contracts/variants';

export { QUANTIZATION_VARIANTS, type QuantizationVariant } from '../contracts/variants';

export interface VariantOptions {
  /** Model.description in the file. */
  description?: string;
  /** Full int8 only: representative samples (one Float32Array per model input, batch 1) and an interpreter to run them. */
  calibration?: { samples: ReadonlyArray<readonly Float32Array[]>; load: LoadInterpreter };
  /** Full int8 only: int8 input/output tensors instead of float ones. */
  int8Io?: boolean;
  /**
   * Store FULLY_CONNECTED weights in TFLite's sparse encoding where the runtime has a
   * sparse kernel for them and the encoding is smaller (a pruned model). The report
   * says which weights were encoded and why the others stayed dense.
   */
  sparseWeights?: boolean;
  /**
   * TFLite Model Metadata for an image classifier (name, version, normalization, labels.txt):
   * the same in every variant, written into the flatbuffer with the labels packed after it.
   */
  classifier?: ClassifierMetadataOptions;
}

export interface VariantFile {
  variant: QuantizationVariant;
  bytes: Uint8Array;
  /** With `sparseWeights`: what was encoded sparse and what stayed dense, with why. */
  sparse?: SparseWeightsReport;
  /** What the app needs to feed an int8-I/O model: scale and zero point per input/output. */
  io?: { inputs: Array<{ name: string; scale: number; zeroPoint: number }>; outputs: Array<{ name: string; scale: number; zeroPoint: number }> };
}

export class VariantOptionsError extends Error {
  override readonly name = 'VariantOptionsError';
}

export async function convertVariant(model: LayersModel, variant: QuantizationVariant, options: VariantOptions = {}): Promise<VariantFile> {
  const parts = options.classifier ? classifierMetadata(options.classifier) : undefined;
  const written = await writeVariant(model, variant, options, parts ? [parts.entry] : []);
  return parts ? { ...written, bytes: appendAssociatedFiles(written.bytes, parts.files) } : written;
}

async function writeVariant(
  model: LayersModel,
  variant: QuantizationVariant,
  options: VariantOptions,
  metadata: ReadonlyArray<{ name: string; data: Uint8Array }>,
): Promise<VariantFile> {
  const sparse: SparseWeightsReport | undefined = options.sparseWeights ? { encoded: [], dense: [] } : undefined;
  // Sparse encoding runs last, on the weights as the file will store them.
  const withSparse = (transforms: Array<(g: Graph) => Graph>) => (sparse ? [...transforms, sparseWeightsTransform(sparse)] : transforms);
  const file = (bytes: Uint8Array): VariantFile => ({ variant, bytes, ...(sparse ? { sparse } : {}) });
  switch (variant) {
    case 'float32':
      return file(convert(model, { description: options.description, metadata, graphTransforms: withSparse([]) }));
    case 'float16':
      return file(convert(model, { description: options.description, metadata, graphTransforms: withSparse([float16Transform()]) }));
    case 'dynamic-int8':
      return file(convert(model, { description: options.description, metadata, graphTransforms: withSparse([dynamicRangeTransform()]) }));
    case 'int8': {
      if (!options.calibration || options.calibration.samples.length === 0) {
        throw new VariantOptionsError('the int8 variant needs representative samples to calibrate activations: pass calibration samples');
      }
      const { bytes, report } = await convertFullInt8(model, options.calibration.samples, options.calibration.load, {
        int8Io: options.int8Io,
        description: options.description,
        metadata,
        graphTransforms: withSparse([]),
      });
      const params = (list: typeof report.inputs) => list.map((p) => ({ name: p.name, scale: p.scale, zeroPoint: p.zeroPoint }));
      return { ...file(bytes), io: { inputs: params(report.inputs), outputs: params(report.outputs) } };
    }
  }
}

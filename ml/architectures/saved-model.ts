// Loads a saved TensorFlow.js layers model (model.json + weight files, as
// `model.save('file://...')` or tfjs's converter write it) from bytes. The caller reads
// the files (local disk, S3): this module never touches storage. Weight files are checked
// against the manifest before tfjs sees them, so a mismatch names the file.
import * as tf from '@tensorflow/tfjs';
import { ArchitectureError } from './types';

/** Reads a weight file named in model.json (path relative to the model.json's folder). */
export type ReadWeightFile = (relativePath: string) => Promise<Uint8Array>;

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

function weightBytes(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, d) => a * d, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const size = DTYPE_BYTES[dtype];
  if (size === undefined) throw new ArchitectureError(`weight "${spec.name}" has dtype ${dtype}, which liteship cannot load`);
  return count * size;
}

interface ModelJson {
  format?: string;
  modelTopology?: { class_name?: string; model_config?: unknown } & Record<string, unknown>;
  weightsManifest?: tf.io.WeightsManifestConfig;
}

export async function loadSavedLayersModel(modelJson: Uint8Array, source: string, readWeightFile: ReadWeightFile): Promise<tf.LayersModel> {
  const fail = (message: string): never => {
    throw new ArchitectureError(`${source}: ${message}`);
  };
  let json: ModelJson = {};
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(modelJson)) as ModelJson;
  } catch (err) {
    fail(`not a JSON model.json (${err instanceof Error ? err.message : String(err)})`);
  }
  if (json.format === 'graph-model') fail('is a TensorFlow.js graph model; liteship fine-tunes layers models (saved with model.save from tfjs or converted with --output_format tfjs_layers_model)');
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null) fail('has no modelTopology: it is not a TensorFlow.js layers model.json');
  if (!Array.isArray(json.weightsManifest)) fail('has no weightsManifest: save the model with its weights');
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) {
    const expected = group.weights.reduce((sum, w) => sum + weightBytes(w), 0);
    let actual = 0;
    for (const path of group.paths) {
      let bytes: Uint8Array;
      try {
        bytes = await readWeightFile(path);
      } catch (err) {
        // Keep the reader's error class (a storage outage stays retryable); add where it came from.
        if (!(err instanceof Error)) return fail(`cannot read weight file "${path}" listed in its weightsManifest (${String(err)})`);
        err.message = `${source}: cannot read weight file "${path}" listed in its weightsManifest: ${err.message}`;
        throw err;
      }
      chunks.push(bytes);
      actual += bytes.length;
    }
    if (actual !== expected) {
      fail(`weight file${group.paths.length === 1 ? '' : 's'} ${group.paths.map((p) => `"${p}"`).join(', ')} hold${group.paths.length === 1 ? 's' : ''} ${actual} bytes ` +
        `but the weightsManifest's ${group.weights.length} weights need ${expected}: the weights do not belong to this model.json (save the model again, or copy the matching weights file)`);
    }
    specs.push(...group.weights);
  }
  const data = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: specs, weightData: data.buffer }));
  } catch (err) {
    return fail(`TensorFlow.js cannot load it: ${err instanceof Error ? err.message : String(err)}`);
  }
}

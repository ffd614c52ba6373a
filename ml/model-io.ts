// A tfjs LayersModel as one self-describing blob, so a checkpoint is a single
// object-store object (and its sha256 a single fingerprint):
//
//   0  "LSMD"                      magic
//   4  uint32 LE version (1)
//   8  uint32 LE header length H
//   12 header: UTF-8 JSON {modelTopology, weightSpecs, trainingConfig?, weightBytes}
//   .. zero padding to a multiple of 8
//   .. weight data (tfjs layout: model weights, then optimizer weights if saved)
//
// With includeOptimizer the Adam state (iterations, moments) is saved and
// restored by deserializeModel, so a retried training attempt resumes exactly.
// Without it, the training config is still recorded so the loaded model comes
// back compiled (fresh optimizer) and can be evaluated or fine-tuned.
import * as tf from '@tensorflow/tfjs';
import { freezeBatchNormStatistics } from './architectures/fine-tune';
import { restoreAdamBetaPowers } from './loop/adam-state';

const MAGIC = 'LSMD';
const VERSION = 1;
const PREFIX = 12;

export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

interface Header {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  trainingConfig?: tf.io.TrainingConfig;
  weightBytes: number;
}

export interface SerializeOptions {
  /** Save the optimizer state too (for checkpoints a run resumes from). */
  includeOptimizer: boolean;
}

const pad8 = (n: number): number => (8 - (n % 8)) % 8;

function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data);
}

export async function serializeModel(model: tf.LayersModel, opts: SerializeOptions): Promise<Uint8Array> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
    { includeOptimizer: opts.includeOptimizer },
  );
  if (!artifacts?.modelTopology || !artifacts.weightSpecs) throw new Error('tfjs produced no model topology or weights');
  const weights = joinWeights(artifacts.weightData);
  const header: Header = {
    modelTopology: artifacts.modelTopology as object,
    weightSpecs: artifacts.weightSpecs,
    weightBytes: weights.length,
  };
  const trainingConfig = artifacts.trainingConfig ?? trainingConfigOf(model);
  if (trainingConfig) header.trainingConfig = trainingConfig;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = PREFIX + json.length + pad8(PREFIX + json.length);
  const out = new Uint8Array(start + weights.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, PREFIX);
  out.set(weights, start);
  return out;
}

// tfjs only records the training config with includeOptimizer; it is a
// protected method, reached through a cast because it is stable and tiny.
function trainingConfigOf(model: tf.LayersModel): tf.io.TrainingConfig | undefined {
  if (model.optimizer == null) return undefined;
  return (model as unknown as { getTrainingConfig(): tf.io.TrainingConfig }).getTrainingConfig();
}

/** Loads a blob from serializeModel (compiled if it was compiled when saved). */
export async function deserializeModel(bytes: Uint8Array, source = 'model blob'): Promise<tf.LayersModel> {
  const fail = (what: string): never => {
    throw new ModelFormatError(`${source}: corrupt model blob: ${what}. Delete it and re-run the step that produced it.`);
  };
  if (bytes.length < PREFIX) fail(`${bytes.length} bytes is shorter than the ${PREFIX}-byte prefix`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) fail(`magic is ${JSON.stringify(magic)}, expected "${MAGIC}" (not a liteship model)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VERSION) fail(`format version ${version} is not supported (this build reads version ${VERSION})`);
  const length = view.getUint32(8, true);
  if (PREFIX + length > bytes.length) fail(`header length ${length} runs past the end (${bytes.length} bytes)`);
  let header: Partial<Header> = {};
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + length))) as Partial<Header>;
  } catch (err) {
    fail(`header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof header.modelTopology !== 'object' || !Array.isArray(header.weightSpecs) || typeof header.weightBytes !== 'number') {
    fail('header lacks modelTopology, weightSpecs or weightBytes');
  }
  const start = PREFIX + length + pad8(PREFIX + length);
  if (bytes.length - start !== header.weightBytes) {
    fail(`weight data is ${bytes.length - start} bytes but the header says ${header.weightBytes}`);
  }
  // Copy into a fresh ArrayBuffer: tfjs keeps a reference to it.
  const weightData = bytes.slice(start).buffer;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: header.modelTopology,
      weightSpecs: header.weightSpecs,
      weightData,
      ...(header.trainingConfig ? { trainingConfig: header.trainingConfig } : {}),
    }),
  );
  // tfjs restores beta^t as pow(beta, t + 1); training built it as a float32 running product.
  restoreAdamBetaPowers(model.optimizer);
  // Frozen BatchNorm layers run in inference mode (not serialized: reapplied on every load).
  freezeBatchNormStatistics(model);
  return model;
}

/**
 * The spec's architecture as a compiled model, built before anything trains: unsupported
 * layers, a wrong class count or a saved model whose weights do not match its manifest
 * fail here (non-retryable ArchitectureError) with every problem listed. A saved model
 * to fine-tune is read through readLocation (local path or s3://); ml gets only bytes.
 */
import type { PreparedDataRef, ReleaseSpec } from '../contracts';
import { ArchitectureError, buildArchitecture, type SavedModelFiles } from '../ml';
import { converterTable } from '../tflite';
import type { ActivityDeps } from './deps';

/** A weight path from model.json, resolved against the model.json's folder (local or s3://). */
export function siblingLocation(modelJson: string, relative: string): string {
  const folder = modelJson.slice(0, modelJson.lastIndexOf('/') + 1);
  const clean = relative.replace(/^(\.\/)+/, '');
  if (clean.startsWith('/') || clean.split('/').includes('..') || /^[a-z][a-z0-9+.-]*:/i.test(clean)) {
    throw new ArchitectureError(`weight path "${relative}" in ${modelJson} must stay inside the model.json's folder`);
  }
  return folder + clean;
}

export async function buildSpecModel(spec: ReleaseSpec, data: PreparedDataRef, readLocation: ActivityDeps['readLocation']) {
  const arch = spec.architecture;
  let saved: SavedModelFiles | undefined;
  if (typeof arch === 'object' && 'model' in arch) {
    saved = {
      modelJson: await readLocation(arch.model),
      readWeightFile: (relative) => readLocation(siblingLocation(arch.model, relative)),
    };
  }
  return buildArchitecture(arch, {
    inputShape: data.imageShape,
    numClasses: data.numClasses,
    seed: spec.training.seed,
    learningRate: spec.training.learningRate,
    converter: converterTable(),
  }, saved);
}

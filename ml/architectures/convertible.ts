// The converter's own table decides what may be trained: every layer (nested models
// included) and every activation is checked against tflite's public list of what it
// lowers, and all problems are reported at once, before anything trains.
import type * as tf from '@tensorflow/tfjs';
import { SUPPORTED_ACTIVATIONS, supportedLayerClasses } from '../../tflite';
import { ArchitectureError } from './types';

const NESTED = new Set(['Sequential', 'Model', 'Functional']);

function layerProblems(model: tf.LayersModel, supported: ReadonlySet<string>, where: (name: string) => string): string[] {
  const problems: string[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    if (NESTED.has(className) && 'layers' in layer) {
      problems.push(...layerProblems(layer as unknown as tf.LayersModel, supported, where));
      continue;
    }
    if (!supported.has(className)) {
      problems.push(`${where(layer.name)} is a ${className}, which liteship's TFLite converter does not support`);
      continue;
    }
    const activation = (layer.getConfig() as { activation?: unknown }).activation;
    if (typeof activation === 'string' && !(SUPPORTED_ACTIVATIONS as readonly string[]).includes(activation)) {
      problems.push(`${where(layer.name)} (${className}) uses activation "${activation}", which the converter does not support`);
    }
  }
  return problems;
}

/** Every problem that would stop `model` from converting, as one line each. */
export function convertibilityProblems(model: tf.LayersModel, where: (layerName: string) => string = (n) => `layer "${n}"`): string[] {
  return layerProblems(model, new Set(supportedLayerClasses()), where);
}

export function supportedSummary(): string {
  return `Supported layers: ${supportedLayerClasses().join(', ')}. Supported activations: ${SUPPORTED_ACTIVATIONS.join(', ')}.`;
}

/** Throws an ArchitectureError listing every unsupported layer and activation of `model`. */
export function assertConvertible(model: tf.LayersModel, source: string, where?: (layerName: string) => string): void {
  const problems = convertibilityProblems(model, where);
  if (problems.length === 0) return;
  throw new ArchitectureError(
    `${source}: ${problems.length} layer${problems.length === 1 ? '' : 's'} cannot be converted to TFLite:\n` +
      problems.map((p) => `  - ${p}`).join('\n') + `\n${supportedSummary()}`,
  );
}

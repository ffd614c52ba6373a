// The converter's own table decides what may be trained: every layer (nested models
// included) and every activation is checked against tflite's public list of what it
// lowers, and all problems are reported at once, before anything trains.
import type * as tf from '@tensorflow/tfjs';
import { ArchitectureError, type ConverterTable } from './types';

const NESTED = new Set(['Sequential', 'Model', 'Functional']);

function layerProblems(model: tf.LayersModel, table: ConverterTable, where: (name: string) => string): string[] {
  const supported = new Set(table.layerClasses);
  const problems: string[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    if (NESTED.has(className) && 'layers' in layer) {
      problems.push(...layerProblems(layer as unknown as tf.LayersModel, table, where));
      continue;
    }
    if (!supported.has(className)) {
      problems.push(`${where(layer.name)} is a ${className}, which liteship's TFLite converter does not support`);
      continue;
    }
    const activation = (layer.getConfig() as { activation?: unknown }).activation;
    if (typeof activation === 'string' && !table.activations.includes(activation)) {
      problems.push(`${where(layer.name)} (${className}) uses activation "${activation}", which the converter does not support`);
    }
  }
  return problems;
}

/** Every problem that would stop `model` from converting, as one line each. */
export function convertibilityProblems(model: tf.LayersModel, table: ConverterTable, where: (layerName: string) => string = (n) => `layer "${n}"`): string[] {
  return layerProblems(model, table, where);
}

export function supportedSummary(table: ConverterTable): string {
  return `Supported layers: ${[...table.layerClasses].sort().join(', ')}. Supported activations: ${table.activations.join(', ')}.`;
}

/** Throws an ArchitectureError listing every unsupported layer and activation of `model`. */
export function assertConvertible(model: tf.LayersModel, source: string, table: ConverterTable, where?: (layerName: string) => string): void {
  const problems = convertibilityProblems(model, table, where);
  if (problems.length === 0) return;
  throw new ArchitectureError(
    `${source}: ${problems.length} layer${problems.length === 1 ? '' : 's'} cannot be converted to TFLite:\n` +
      problems.map((p) => `  - ${p}`).join('\n') + `\n${supportedSummary(table)}`,
  );
}

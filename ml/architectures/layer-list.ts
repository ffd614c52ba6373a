// `"architecture": { "layers": [...] }`: a Sequential model from layer configs in
// TensorFlow.js's vocabulary ({"type": "conv2d", "filters": 16, ...}). The input shape
// comes from the data; the last layer is the classifier as the user writes it and must
// output one probability per class. Kernels without an explicit initializer are seeded.
import * as tf from '@tensorflow/tfjs';
import { assertConvertible, supportedSummary } from './convertible';
import { seededKernels } from './seeded';
import { ArchitectureError, type ConverterTable, type LayerConfig } from './types';

/** Converter layers that need several inputs: meaningless in a Sequential list. */
const MERGE_CLASSES = new Set(['Add', 'Multiply', 'Maximum', 'Minimum', 'Average', 'Concatenate']);
const SEEDED_INITIALIZERS = ['kernelInitializer', 'depthwiseInitializer', 'pointwiseInitializer'] as const;

type Factory = (config: Record<string, unknown>) => tf.layers.Layer;

/** tf.layers factory names of every converter-supported class, keyed by lower-case name. */
function vocabulary(table: ConverterTable): Map<string, { type: string; className: string; factory: Factory }> {
  const factories = tf.layers as unknown as Record<string, Factory>;
  const byLower = new Map(Object.keys(factories).map((k) => [k.toLowerCase(), k]));
  const out = new Map<string, { type: string; className: string; factory: Factory }>();
  for (const className of table.layerClasses) {
    const type = byLower.get(className.toLowerCase());
    const factory = type === undefined ? undefined : factories[type];
    if (type !== undefined && factory !== undefined && !MERGE_CLASSES.has(className)) out.set(type.toLowerCase(), { type, className, factory });
  }
  return out;
}

/** The `type` values a layers architecture accepts (the converter's table, in tfjs's spelling). */
export function supportedLayerTypes(table: ConverterTable): string[] {
  return [...vocabulary(table).values()].map((v) => v.type).sort();
}

function describeError(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

function typeProblem(type: unknown): string {
  const exists = typeof type === 'string' && Object.keys(tf.layers).some((k) => k.toLowerCase() === type.toLowerCase());
  return `${JSON.stringify(type)} ${exists ? 'is a TensorFlow.js layer that liteship\'s TFLite converter does not support' : 'is not a TensorFlow.js layer type'}`;
}

/**
 * Layer types the converter's table does not have, by index: a check that needs no data
 * (the CLI runs it before starting a release), with the supported types to suggest.
 */
export function layerTypeProblems(configs: readonly LayerConfig[], table: ConverterTable): { problems: Array<{ index: number; message: string }>; supported: string } {
  const known = vocabulary(table);
  const problems = configs.flatMap((c, index) => (known.has(String(c.type).toLowerCase()) ? [] : [{ index, message: typeProblem(c.type) }]));
  return { problems, supported: `supported layer types: ${supportedLayerTypes(table).join(', ')}` };
}

export interface LayerListOptions {
  inputShape: [number, number, number];
  numClasses: number;
  seed: number;
  /** The converter's table (tflite's converterTable()). */
  converter: ConverterTable;
}

/** Builds the Sequential model, or throws an ArchitectureError listing every problem. */
export function sequentialFromLayers(configs: readonly LayerConfig[], opts: LayerListOptions, source = 'architecture.layers'): tf.Sequential {
  const known = vocabulary(opts.converter);
  const problems: string[] = [];
  const kernel = seededKernels(opts.seed);
  const layers: tf.layers.Layer[] = [];
  if (configs.length === 0) problems.push('the list is empty: give at least the classifier, e.g. {"type": "dense", "units": N, "activation": "softmax"}');
  configs.forEach((raw, i) => {
    const where = `${source}[${i}]`;
    const { type, inputShape, batchInputShape, ...config } = raw;
    const entry = typeof type === 'string' ? known.get(type.toLowerCase()) : undefined;
    if (entry === undefined) {
      problems.push(`${where}: ${typeProblem(type)}`);
      return;
    }
    if (inputShape !== undefined || batchInputShape !== undefined) {
      const given = JSON.stringify(inputShape ?? batchInputShape);
      if (i > 0 || given !== JSON.stringify(opts.inputShape)) {
        problems.push(`${where}: inputShape ${given} is set, but the input shape comes from the data (${JSON.stringify(opts.inputShape)}): remove it`);
        return;
      }
    }
    try {
      let layer = entry.factory({ ...config, ...(i === 0 ? { inputShape: opts.inputShape } : {}) });
      const seeded = SEEDED_INITIALIZERS.filter((key) => key in layer && config[key] === undefined);
      if (seeded.length > 0) {
        layer = entry.factory({ ...config, ...(i === 0 ? { inputShape: opts.inputShape } : {}), ...Object.fromEntries(seeded.map((k) => [k, kernel()])) });
      }
      layers.push(layer);
    } catch (err) {
      problems.push(`${where} (${entry.type}): ${describeError(err)}`);
    }
  });
  if (problems.length > 0) throw listError(source, problems, opts.converter);

  const model = tf.sequential({ name: 'liteship_layers' });
  layers.forEach((layer, i) => {
    try {
      model.add(layer);
    } catch (err) {
      problems.push(`${source}[${i}] (${configs[i]?.type}): ${describeError(err)}`);
    }
  });
  if (problems.length > 0) throw listError(source, problems, opts.converter);
  assertConvertible(model, source, opts.converter, (name) => `${source}[${model.layers.findIndex((l) => l.name === name)}]`);
  checkClassifier(model, configs, opts.numClasses, source);
  return model;
}

function listError(source: string, problems: string[], table: ConverterTable): ArchitectureError {
  return new ArchitectureError(
    `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
      `Layer types: ${supportedLayerTypes(table).join(', ')}. ${supportedSummary(table).split('. ').slice(1).join('. ')}`,
  );
}

/** The last layer must give one probability per class (softmax), as the training loss expects. */
function checkClassifier(model: tf.LayersModel, configs: readonly LayerConfig[], numClasses: number, source: string): void {
  const last = model.layers[model.layers.length - 1];
  const where = `${source}[${configs.length - 1}]`;
  const shape = model.outputs[0]?.shape ?? [];
  const fix = `end the list with {"type": "dense", "units": ${numClasses}, "activation": "softmax"}`;
  if (shape.length !== 2) {
    throw new ArchitectureError(`${where}: the model outputs shape [${shape.map((d) => d ?? 'batch').join(', ')}], not one score per class: add {"type": "flatten"} or {"type": "globalAveragePooling2d"} and ${fix}`);
  }
  if (shape[1] !== numClasses) {
    throw new ArchitectureError(`${where}: the classifier outputs ${shape[1]} values but the dataset has ${numClasses} classes: ${fix}`);
  }
  const config = (last?.getConfig() ?? {}) as { activation?: unknown };
  const softmax = last?.getClassName() === 'Softmax' || config.activation === 'softmax';
  if (!softmax) {
    throw new ArchitectureError(`${where}: the last layer must output class probabilities (activation "softmax"), got ${JSON.stringify(config.activation ?? last?.getClassName())}: ${fix}`);
  }
}

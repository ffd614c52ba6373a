// Whether the compiled step can train a model, and the layers in the order to build
// them: a single-input, single-output graph of layers from ./registry.ts (Sequential
// or functional, each layer applied once), ending in a softmax the loss can take
// over, trained with a categorical cross-entropy.
import type * as tf from '@tensorflow/tfjs';
import { COMPILED_LAYERS } from './registry';
import type { CompiledLayerKind } from './layers/types';

export interface PlannedLayer {
  layer: tf.layers.Layer;
  kind: CompiledLayerKind;
  config: Record<string, unknown>;
  inputs: tf.SymbolicTensor[];
  output: tf.SymbolicTensor;
  isOutput: boolean;
}

export interface CompiledPlan {
  layers: PlannedLayer[];
  input: tf.SymbolicTensor;
  output: tf.SymbolicTensor;
  /** Input shape without the batch dimension. */
  inputShape: number[];
  numClasses: number;
}

const asList = (t: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor[] => (Array.isArray(t) ? t : [t]);

/** The plan, or why the compiled step cannot train `model` (a sentence fragment for the fallback message). */
export function planCompiledStep(model: tf.LayersModel): CompiledPlan | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return 'it has several inputs or outputs';
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;
  const inputShape = input.shape.slice(1);
  if (inputShape.some((d) => d == null)) return 'its input shape is not fully known';
  const numClasses = output.shape[1];
  if (output.shape.length !== 2 || numClasses == null) return 'its output is not one score per class';
  const known = new Set<number>([input.id]);
  const layers: PlannedLayer[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    const where = `layer ${layer.name}`;
    const kind = COMPILED_LAYERS[className];
    if (!kind) return `${where} is a ${className}, which the compiled step does not build`;
    if (layer.inboundNodes.length !== 1) return `${where} is applied more than once`;
    if (layer.weights.some((w) => w.dtype !== 'float32')) return `${where} is not float32`;
    const inputs = asList(layer.input as tf.SymbolicTensor | tf.SymbolicTensor[]);
    if (inputs.some((t) => !known.has(t.id))) return `${where} comes before its inputs`;
    const out = layer.output as tf.SymbolicTensor | tf.SymbolicTensor[];
    if (Array.isArray(out)) return `${where} has several outputs`;
    const config = layer.getConfig() as Record<string, unknown>;
    const isOutput = out.id === output.id;
    const why = kind.unsupported(layer, config, isOutput);
    if (why) return `${where} (${className}): ${why}`;
    if (isOutput && !endsInSoftmax(className, config)) return `its output layer ${layer.name} does not end in a softmax`;
    known.add(out.id);
    layers.push({ layer, kind, config, inputs, output: out, isOutput });
  }
  if (!known.has(output.id)) return 'its output is not produced by its layers';
  const covered = new Set(layers.flatMap((p) => p.layer.weights));
  const missing = model.trainableWeights.find((w) => !covered.has(w));
  if (missing) return `its weight ${missing.name} is outside its layers`;
  return { layers, input, output, inputShape: inputShape as number[], numClasses };
}

function endsInSoftmax(className: string, config: Record<string, unknown>): boolean {
  return className === 'Softmax' || config.activation === 'softmax';
}

// What a layer kind of the compiled step provides: its forward ops in the training
// graph and, for the backward pass, the ops of its input and weight gradients.
import type * as tf from '@tensorflow/tfjs';
import type { GraphBuilder, GraphVariable, Out } from '../graph';

export interface LayerContext {
  g: GraphBuilder;
  layer: tf.layers.Layer;
  /** The layer's config (getConfig()). */
  config: Record<string, unknown>;
  /** The layer's input tensors in the graph. */
  inputs: Out[];
  /** Input shapes without the batch dimension. */
  inputShapes: number[][];
  /** The graph variable of one of the layer's weights (trainable or not). */
  variable(weight: tf.LayerVariable): GraphVariable;
  /** The optimizer step being taken (an int32 scalar fed every step; seeds dropout). */
  step: Out;
  /** 1 / batch size, fed every step (a float scalar). */
  batchScale: Out;
  /** True for the model's output layer: its softmax is left to the loss (logits out). */
  isOutput: boolean;
}

export interface LayerGradients {
  /** Gradient of each input; undefined where not asked for. */
  dx: Array<Out | undefined>;
  /** Gradient of each trainable weight, keyed by the weight. */
  dWeights: Map<tf.LayerVariable, Out>;
}

export interface LayerBuild {
  y: Out;
  /** The backward ops for the output gradient `dy`; `needInput[i]` says whether input i's gradient is used. */
  backward(dy: Out, needInput: boolean[]): LayerGradients;
  /** Ops every step must run besides the optimizer (BatchNormalization's moving statistics). */
  updates?: number[];
}

export interface CompiledLayerKind {
  /** Why this layer cannot be compiled (undefined: it can). */
  unsupported(layer: tf.layers.Layer, config: Record<string, unknown>, isOutput: boolean): string | undefined;
  build(ctx: LayerContext): LayerBuild;
}

/** A number or [n, n] config value (kernelSize, strides, poolSize) as [h, w]. */
export function pair(value: unknown, fallback?: [number, number]): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2) return [Number(value[0]), Number(value[1])];
  if (value == null && fallback) return fallback;
  throw new Error(`expected a number or a pair, got ${JSON.stringify(value)}`);
}

/** Config checks shared by every kind: channels-last data, no regularizers or constraints. */
export function commonProblems(config: Record<string, unknown>): string | undefined {
  if (config.dataFormat === 'channelsFirst') return 'it uses channelsFirst data';
  const extra = Object.keys(config).find((k) => /(Regularizer|Constraint)$/.test(k) && config[k] != null);
  return extra ? `it has a ${extra}` : undefined;
}

// Conv2D and DepthwiseConv2D (NHWC, no dilation): the convolution, BiasAdd and the
// activation forward; Conv2DBackpropInput/Filter (or the depthwise ones) backward.
// The input gradient is built only when an earlier layer needs it (never for the
// first convolution, whose input is the data).
import type * as tf from '@tensorflow/tfjs';
import type { Attr } from '../addon';
import type { CompiledLayerKind, LayerContext } from './types';
import { commonProblems, pair } from './types';
import { activationProblem } from './activation';
import { biasThenActivation } from './bias-activation';
import type { Out } from '../graph';

function convProblems(config: Record<string, unknown>, isOutput: boolean): string | undefined {
  const dilation = pair(config.dilationRate, [1, 1]);
  if (dilation[0] !== 1 || dilation[1] !== 1) return 'it is dilated';
  if (config.padding !== 'same' && config.padding !== 'valid') return `its padding ${String(config.padding)} is not compiled`;
  return commonProblems(config) ?? activationProblem(String(config.activation ?? 'linear'), isOutput);
}

function buildConv(ctx: LayerContext, ops: { forward: string; input: string; filter: string }, extra: Attr[] = []): ReturnType<CompiledLayerKind['build']> {
  const { g, layer, config, inputs, variable } = ctx;
  const [kernel, bias] = layer.weights as [tf.LayerVariable, tf.LayerVariable | undefined];
  const [sh, sw] = pair(config.strides, [1, 1]);
  const attrs: Attr[] = [
    ['strides', 'ints', [1, sh, sw, 1]],
    ['padding', 'string', String(config.padding).toUpperCase()],
    ['data_format', 'string', 'NHWC'],
    ['dilations', 'ints', [1, 1, 1, 1]],
    ...extra,
  ];
  const x = inputs[0]!;
  const w = variable(kernel).value;
  const z = g.f(ops.forward, [x, w], attrs, `${layer.name}/conv`);
  const tail = biasThenActivation(ctx, z, config.useBias !== false ? bias : undefined);
  return {
    y: tail.y,
    backward(dy, needInput) {
      const dWeights = new Map<tf.LayerVariable, Out>();
      const dz = tail.backward(dy, dWeights);
      const filterSizes = g.constInt(kernel.shape as number[], [4], `${layer.name}/filter_sizes`);
      dWeights.set(kernel, g.f(ops.filter, [x, filterSizes, dz], attrs, `${layer.name}/kernel_grad`));
      const dx = needInput[0] ? g.f(ops.input, [g.shape(x), w, dz], attrs, `${layer.name}/input_grad`) : undefined;
      return { dx: [dx], dWeights };
    },
  };
}

export const conv2dLayer: CompiledLayerKind = {
  unsupported: (_layer, config, isOutput) => convProblems(config, isOutput),
  build: (ctx) => buildConv(ctx, { forward: 'Conv2D', input: 'Conv2DBackpropInput', filter: 'Conv2DBackpropFilter' }, [['use_cudnn_on_gpu', 'bool', true]]),
};

export const depthwiseConv2dLayer: CompiledLayerKind = {
  unsupported: (_layer, config, isOutput) => convProblems(config, isOutput),
  build: (ctx) =>
    buildConv(ctx, { forward: 'DepthwiseConv2dNative', input: 'DepthwiseConv2dNativeBackpropInput', filter: 'DepthwiseConv2dNativeBackpropFilter' }),
};

/**
 * SeparableConv2D: a depthwise convolution, then a 1x1 pointwise Conv2D, BiasAdd and the
 * activation; backward through both (the pointwise input gradient feeds the depthwise ones).
 */
export const separableConv2dLayer: CompiledLayerKind = {
  unsupported: (_layer, config, isOutput) => convProblems(config, isOutput),
  build(ctx) {
    const { g, layer, config, inputs, variable } = ctx;
    const find = (suffix: string): tf.LayerVariable | undefined => layer.weights.find((w) => w.originalName.endsWith(suffix));
    const depthwise = find('depthwise_kernel')!;
    const pointwise = find('pointwise_kernel')!;
    const bias = config.useBias !== false ? find('bias') : undefined;
    const [sh, sw] = pair(config.strides, [1, 1]);
    const common: Attr[] = [['data_format', 'string', 'NHWC'], ['dilations', 'ints', [1, 1, 1, 1]]];
    const dwAttrs: Attr[] = [['strides', 'ints', [1, sh, sw, 1]], ['padding', 'string', String(config.padding).toUpperCase()], ...common];
    const pwAttrs: Attr[] = [['strides', 'ints', [1, 1, 1, 1]], ['padding', 'string', 'VALID'], ['use_cudnn_on_gpu', 'bool', true], ...common];
    const x = inputs[0]!;
    const dk = variable(depthwise).value;
    const pk = variable(pointwise).value;
    const d = g.f('DepthwiseConv2dNative', [x, dk], dwAttrs, `${layer.name}/depthwise`);
    const z = g.f('Conv2D', [d, pk], pwAttrs, `${layer.name}/pointwise`);
    const tail = biasThenActivation(ctx, z, bias);
    return {
      y: tail.y,
      backward(dy, needInput) {
        const dWeights = new Map<tf.LayerVariable, Out>();
        const dz = tail.backward(dy, dWeights);
        const sizes = (w: tf.LayerVariable, what: string) => g.constInt(w.shape as number[], [4], `${layer.name}/${what}_sizes`);
        dWeights.set(pointwise, g.f('Conv2DBackpropFilter', [d, sizes(pointwise, 'pointwise'), dz], pwAttrs, `${layer.name}/pointwise_grad`));
        const dd = g.f('Conv2DBackpropInput', [g.shape(d), pk, dz], pwAttrs, `${layer.name}/pointwise_input_grad`);
        dWeights.set(depthwise, g.f('DepthwiseConv2dNativeBackpropFilter', [x, sizes(depthwise, 'depthwise'), dd], dwAttrs, `${layer.name}/depthwise_grad`));
        const dx = needInput[0] ? g.f('DepthwiseConv2dNativeBackpropInput', [g.shape(x), dk, dd], dwAttrs, `${layer.name}/input_grad`) : undefined;
        return { dx: [dx], dWeights };
      },
    };
  },
};

// Conv2D and DepthwiseConv2D (NHWC, no dilation): the convolution, BiasAdd and the
// activation forward; Conv2DBackpropInput/Filter (or the depthwise ones) backward.
// The input gradient is built only when an earlier layer needs it (never for the
// first convolution, whose input is the data).
import type * as tf from '@tensorflow/tfjs';
import type { Attr } from '../addon';
import type { CompiledLayerKind, LayerContext } from './types';
import { commonProblems, pair } from './types';
import { activate, activationProblem } from './activation';

function convProblems(config: Record<string, unknown>, isOutput: boolean): string | undefined {
  const dilation = pair(config.dilationRate, [1, 1]);
  if (dilation[0] !== 1 || dilation[1] !== 1) return 'it is dilated';
  if (config.padding !== 'same' && config.padding !== 'valid') return `its padding ${String(config.padding)} is not compiled`;
  return commonProblems(config) ?? activationProblem(String(config.activation ?? 'linear'), isOutput);
}

function buildConv(ctx: LayerContext, ops: { forward: string; input: string; filter: string }, extra: Attr[] = []): ReturnType<CompiledLayerKind['build']> {
  const { g, layer, config, inputs, variable, isOutput } = ctx;
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
  let z = g.f(ops.forward, [x, w], attrs, `${layer.name}/conv`);
  const b = config.useBias !== false && bias ? variable(bias).value : undefined;
  if (b) z = g.f('BiasAdd', [z, b], [['data_format', 'string', 'NHWC']], `${layer.name}/bias_add`);
  const act = activate(g, z, String(config.activation ?? 'linear'), isOutput, layer.name);
  return {
    y: act.y,
    backward(dy, needInput) {
      const dz = act.grad(dy);
      const filterSizes = g.constInt(kernel.shape as number[], [4], `${layer.name}/filter_sizes`);
      const dWeights = new Map([[kernel, g.f(ops.filter, [x, filterSizes, dz], attrs, `${layer.name}/kernel_grad`)]]);
      if (b) dWeights.set(bias!, g.f('BiasAddGrad', [dz], [['data_format', 'string', 'NHWC']], `${layer.name}/bias_grad`));
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

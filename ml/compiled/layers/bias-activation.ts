// The tail every weighted layer (Dense, Conv2D, DepthwiseConv2D, SeparableConv2D) shares after its
// linear op: BiasAdd when the layer has a bias, then its activation; backward, the gradient at the
// linear op's output and the bias gradient. Kept as one piece so Grappler sees the same
// MatMul/Conv2D + BiasAdd + Relu pattern from every layer kind.
import type * as tf from '@tensorflow/tfjs';
import type { Out } from '../graph';
import { activate } from './activation';
import type { LayerContext } from './types';

export interface BiasActivation {
  y: Out;
  /** dy -> the gradient at the linear op's output; adds the bias gradient to `dWeights`. */
  backward(dy: Out, dWeights: Map<tf.LayerVariable, Out>): Out;
}

const NHWC: Array<[string, 'string', string]> = [['data_format', 'string', 'NHWC']];

export function biasThenActivation({ g, layer, config, variable, isOutput }: LayerContext, z: Out, bias: tf.LayerVariable | undefined): BiasActivation {
  const b = bias ? variable(bias).value : undefined;
  const withBias = b ? g.f('BiasAdd', [z, b], NHWC, `${layer.name}/bias_add`) : z;
  const act = activate(g, withBias, String(config.activation ?? 'linear'), isOutput, layer.name);
  return {
    y: act.y,
    backward(dy, dWeights) {
      const dz = act.grad(dy);
      if (bias) dWeights.set(bias, g.f('BiasAddGrad', [dz], NHWC, `${layer.name}/bias_grad`));
      return dz;
    },
  };
}

// Dense: MatMul + BiasAdd + activation; backward MatMul with transposes and BiasAddGrad.
import type * as tf from '@tensorflow/tfjs';
import type { CompiledLayerKind } from './types';
import { commonProblems } from './types';
import { activationProblem } from './activation';
import { biasThenActivation } from './bias-activation';
import type { Out } from '../graph';

export const denseLayer: CompiledLayerKind = {
  unsupported(layer, config, isOutput) {
    const rank = (layer.input as tf.SymbolicTensor).shape.length;
    if (rank !== 2) return `its input has rank ${rank} (only [batch, features] is compiled)`;
    return commonProblems(config) ?? activationProblem(String(config.activation ?? 'linear'), isOutput);
  },
  build(ctx) {
    const { g, layer, config, inputs, variable } = ctx;
    // Weights unused by the step's targets (a frozen layer's gradients) are pruned by TensorFlow.
    const [kernel, bias] = layer.weights;
    const x = inputs[0]!;
    const w = variable(kernel!).value;
    const z = g.f('MatMul', [x, w], [['transpose_a', 'bool', false], ['transpose_b', 'bool', false]], `${layer.name}/matmul`);
    const tail = biasThenActivation(ctx, z, config.useBias !== false ? bias : undefined);
    return {
      y: tail.y,
      backward(dy, needInput) {
        const dWeights = new Map<tf.LayerVariable, Out>();
        const dz = tail.backward(dy, dWeights);
        dWeights.set(kernel!, g.f('MatMul', [x, dz], [['transpose_a', 'bool', true], ['transpose_b', 'bool', false]], `${layer.name}/kernel_grad`));
        const dx = needInput[0] ? g.f('MatMul', [dz, w], [['transpose_a', 'bool', false], ['transpose_b', 'bool', true]], `${layer.name}/input_grad`) : undefined;
        return { dx: [dx], dWeights };
      },
    };
  },
};

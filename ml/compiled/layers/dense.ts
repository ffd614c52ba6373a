// Dense: MatMul + BiasAdd + activation; backward MatMul with transposes and BiasAddGrad.
import type * as tf from '@tensorflow/tfjs';
import type { CompiledLayerKind } from './types';
import { commonProblems } from './types';
import { activate, activationProblem } from './activation';

export const denseLayer: CompiledLayerKind = {
  unsupported(layer, config, isOutput) {
    const rank = (layer.input as tf.SymbolicTensor).shape.length;
    if (rank !== 2) return `its input has rank ${rank} (only [batch, features] is compiled)`;
    return commonProblems(config) ?? activationProblem(String(config.activation ?? 'linear'), isOutput);
  },
  build({ g, layer, config, inputs, variable, isOutput }) {
    // Weights unused by the step's targets (a frozen layer's gradients) are pruned by TensorFlow.
    const [kernel, bias] = layer.weights;
    const x = inputs[0]!;
    const w = variable(kernel!).value;
    let z = g.f('MatMul', [x, w], [['transpose_a', 'bool', false], ['transpose_b', 'bool', false]], `${layer.name}/matmul`);
    const b = config.useBias !== false && bias ? variable(bias).value : undefined;
    if (b) z = g.f('BiasAdd', [z, b], [['data_format', 'string', 'NHWC']], `${layer.name}/bias_add`);
    const act = activate(g, z, String(config.activation ?? 'linear'), isOutput, layer.name);
    return {
      y: act.y,
      backward(dy, needInput) {
        const dz = act.grad(dy);
        const dWeights = new Map([[kernel!, g.f('MatMul', [x, dz], [['transpose_a', 'bool', true], ['transpose_b', 'bool', false]], `${layer.name}/kernel_grad`)]]);
        if (b) dWeights.set(bias!, g.f('BiasAddGrad', [dz], [['data_format', 'string', 'NHWC']], `${layer.name}/bias_grad`));
        const dx = needInput[0] ? g.f('MatMul', [dz, w], [['transpose_a', 'bool', false], ['transpose_b', 'bool', true]], `${layer.name}/input_grad`) : undefined;
        return { dx: [dx], dWeights };
      },
    };
  },
};

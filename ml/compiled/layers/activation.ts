// Element-wise activations of the compiled step. Each gradient is taken from the
// activation's output (as TensorFlow's Python gradients do), so the pre-activation
// tensor has no other consumer and Grappler can fuse MatMul/Conv2D + BiasAdd + Relu.
import type { GraphBuilder, Out } from '../graph';
import type { CompiledLayerKind } from './types';
import { commonProblems } from './types';

export const COMPILED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'] as const;

export interface Activated {
  y: Out;
  grad(dy: Out): Out;
}

/**
 * `activation` applied to z. The output layer's softmax is not applied here: the
 * loss (SoftmaxCrossEntropyWithLogits) applies it to the logits.
 */
export function activate(g: GraphBuilder, z: Out, activation: string, isOutput: boolean, name: string): Activated {
  if (activation === 'linear' || (activation === 'softmax' && isOutput)) return { y: z, grad: (dy) => dy };
  switch (activation) {
    case 'relu': {
      const y = g.f('Relu', [z], [], `${name}/relu`);
      return { y, grad: (dy) => g.f('ReluGrad', [dy, y], [], `${name}/relu_grad`) };
    }
    case 'relu6': {
      const y = g.f('Relu6', [z], [], `${name}/relu6`);
      return { y, grad: (dy) => g.f('Relu6Grad', [dy, y], [], `${name}/relu6_grad`) };
    }
    case 'sigmoid': {
      const y = g.f('Sigmoid', [z], [], `${name}/sigmoid`);
      return { y, grad: (dy) => g.f('SigmoidGrad', [y, dy], [], `${name}/sigmoid_grad`) };
    }
    case 'tanh': {
      const y = g.f('Tanh', [z], [], `${name}/tanh`);
      return { y, grad: (dy) => g.f('TanhGrad', [y, dy], [], `${name}/tanh_grad`) };
    }
    default:
      throw new Error(`activation ${activation} is not compiled`);
  }
}

/** Why `activation` cannot be compiled here (softmax only as the model's output). */
export function activationProblem(activation: string, isOutput: boolean): string | undefined {
  if (activation === 'softmax') return isOutput ? undefined : 'it has a softmax activation inside the model';
  return (COMPILED_ACTIVATIONS as readonly string[]).includes(activation) ? undefined : `its activation ${activation} is not compiled`;
}

const activationOf = (config: Record<string, unknown>, className: string): string =>
  className === 'Softmax' ? 'softmax' : className === 'ReLU' ? (config.maxValue === 6 ? 'relu6' : 'relu') : String(config.activation ?? 'linear');

/** Activation, ReLU (no max or 6) and Softmax (as the output) layers. */
export const activationLayer: CompiledLayerKind = {
  unsupported(layer, config, isOutput) {
    const className = layer.getClassName();
    if (className === 'ReLU' && config.maxValue != null && config.maxValue !== 6) return `its maxValue ${String(config.maxValue)} is not compiled`;
    if (className === 'Softmax' && config.axis != null && config.axis !== -1 && !(Array.isArray(config.axis) && config.axis[0] === -1)) return 'its softmax axis is not the last';
    return commonProblems(config) ?? activationProblem(activationOf(config, className), isOutput);
  },
  build({ g, layer, config, inputs, isOutput }) {
    const act = activate(g, inputs[0]!, activationOf(config, layer.getClassName()), isOutput, layer.name);
    return { y: act.y, backward: (dy) => ({ dx: [act.grad(dy)], dWeights: new Map() }) };
  },
};

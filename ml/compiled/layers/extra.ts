// Smaller layer kinds of the converter's table: Rescaling, ZeroPadding2D, LeakyReLU,
// Concatenate (channels) and Average; each with the gradient TensorFlow's own
// gradient functions use (Slice for Pad and Concat, LeakyReluGrad on the input).
import type * as tf from '@tensorflow/tfjs';
import type { Out } from '../graph';
import { DT } from '../graph';
import type { CompiledLayerKind } from './types';
import { commonProblems } from './types';

/** y = x * scale + offset; the gradient is dy * scale. */
export const rescalingLayer: CompiledLayerKind = {
  unsupported: (_layer, config) => commonProblems(config),
  build({ g, layer, config, inputs }) {
    const scale = g.constFloat(Number(config.scale ?? 1), [], `${layer.name}/scale`);
    const scaled = g.f('Mul', [inputs[0]!, scale], [], `${layer.name}/mul`);
    const y = g.f('AddV2', [scaled, g.constFloat(Number(config.offset ?? 0), [], `${layer.name}/offset`)], [], `${layer.name}/add`);
    return { y, backward: (dy) => ({ dx: [g.f('Mul', [dy, scale], [], `${layer.name}/grad`)], dWeights: new Map() }) };
  },
};

/** Zeros around height and width (Pad); the gradient is the unpadded window of dy (Slice). */
export const zeroPadding2dLayer: CompiledLayerKind = {
  unsupported: (_layer, config) => commonProblems(config),
  build({ g, layer, config, inputs }) {
    const p = config.padding;
    const [[top, bottom], [left, right]] = (
      typeof p === 'number' ? [[p, p], [p, p]] : Array.isArray(p) && typeof p[0] === 'number' ? [[p[0], p[0]], [p[1], p[1]]] : p
    ) as [[number, number], [number, number]];
    const x = inputs[0]!;
    const paddings = g.constInt([0, 0, top, bottom, left, right, 0, 0], [4, 2], `${layer.name}/paddings`);
    const y = g.f('Pad', [x, paddings], [['Tpaddings', 'type', DT.int32]], `${layer.name}/pad`);
    const begin = g.constInt([0, top, left, 0], [4], `${layer.name}/begin`);
    return {
      y,
      backward: (dy) => ({ dx: [g.f('Slice', [dy, begin, g.shape(x)], [['Index', 'type', DT.int32]], `${layer.name}/grad`)], dWeights: new Map() }),
    };
  },
};

export const leakyReluLayer: CompiledLayerKind = {
  unsupported: (_layer, config) => commonProblems(config),
  build({ g, layer, config, inputs }) {
    const alpha = Number(config.alpha ?? 0.3);
    const x = inputs[0]!;
    const y = g.f('LeakyRelu', [x], [['alpha', 'float', alpha]], `${layer.name}/leaky_relu`);
    return { y, backward: (dy) => ({ dx: [g.f('LeakyReluGrad', [dy, x], [['alpha', 'float', alpha]], `${layer.name}/grad`)], dWeights: new Map() }) };
  },
};

const lastAxis = (config: Record<string, unknown>, rank: number): boolean => config.axis === undefined || config.axis === -1 || config.axis === rank - 1;

/** Concatenation along the channels; each input's gradient is its slice of dy. */
export const concatenateLayer: CompiledLayerKind = {
  unsupported: (layer, config) => {
    const rank = (layer.input as tf.SymbolicTensor[])[0]!.shape.length;
    return lastAxis(config, rank) ? commonProblems(config) : 'it does not concatenate the last axis';
  },
  build({ g, layer, inputs, inputShapes }) {
    const rank = inputShapes[0]!.length + 1;
    const axis = g.constInt([rank - 1], [], `${layer.name}/axis`);
    const y = g.f('ConcatV2', [inputs, axis], [['N', 'int', inputs.length], ['Tidx', 'type', DT.int32]], `${layer.name}/concat`);
    return {
      y,
      backward(dy, needInput) {
        let offset = 0;
        const dx = inputShapes.map((shape, i): Out | undefined => {
          const channels = shape[shape.length - 1]!;
          const begin = g.constInt([...new Array<number>(rank - 1).fill(0), offset], [rank], `${layer.name}/begin_${i}`);
          const size = g.constInt([...new Array<number>(rank - 1).fill(-1), channels], [rank], `${layer.name}/size_${i}`);
          offset += channels;
          return needInput[i] ? g.f('Slice', [dy, begin, size], [['Index', 'type', DT.int32]], `${layer.name}/grad_${i}`) : undefined;
        });
        return { dx, dWeights: new Map() };
      },
    };
  },
};

/** The mean of same-shaped inputs; each gets dy / n. */
export const averageLayer: CompiledLayerKind = {
  unsupported: (layer) => {
    const shapes = (layer.input as tf.SymbolicTensor[]).map((t) => JSON.stringify(t.shape));
    return new Set(shapes).size === 1 ? undefined : 'its inputs broadcast';
  },
  build({ g, layer, inputs }) {
    const share = g.constFloat(1 / inputs.length, [], `${layer.name}/share`);
    const sum = g.f('AddN', [inputs], [['N', 'int', inputs.length]], `${layer.name}/sum`);
    const y = g.f('Mul', [sum, share], [], `${layer.name}/mean`);
    return {
      y,
      backward(dy) {
        const d = g.f('Mul', [dy, share], [], `${layer.name}/grad`);
        return { dx: inputs.map(() => d), dWeights: new Map() };
      },
    };
  },
};

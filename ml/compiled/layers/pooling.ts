// MaxPooling2D / AveragePooling2D (NHWC) and GlobalAveragePooling2D, with the
// gradient ops TensorFlow has for them (MaxPoolGrad, AvgPoolGrad).
import type { Attr } from '../addon';
import type { CompiledLayerKind } from './types';
import { commonProblems, pair } from './types';

function poolAttrs(config: Record<string, unknown>): Attr[] {
  const [ph, pw] = pair(config.poolSize, [2, 2]);
  const [sh, sw] = pair(config.strides, [ph, pw]);
  return [
    ['ksize', 'ints', [1, ph, pw, 1]],
    ['strides', 'ints', [1, sh, sw, 1]],
    ['padding', 'string', String(config.padding ?? 'valid').toUpperCase()],
    ['data_format', 'string', 'NHWC'],
  ];
}

const poolProblem = (config: Record<string, unknown>): string | undefined =>
  config.padding !== undefined && config.padding !== 'same' && config.padding !== 'valid' ? `its padding ${String(config.padding)} is not compiled` : commonProblems(config);

export const maxPooling2dLayer: CompiledLayerKind = {
  unsupported: (_layer, config) => poolProblem(config),
  build({ g, layer, config, inputs }) {
    const attrs = poolAttrs(config);
    const x = inputs[0]!;
    const y = g.f('MaxPool', [x], attrs, `${layer.name}/max_pool`);
    return { y, backward: (dy) => ({ dx: [g.f('MaxPoolGrad', [x, y, dy], attrs, `${layer.name}/grad`)], dWeights: new Map() }) };
  },
};

export const averagePooling2dLayer: CompiledLayerKind = {
  unsupported: (_layer, config) => poolProblem(config),
  build({ g, layer, config, inputs }) {
    const attrs = poolAttrs(config);
    const x = inputs[0]!;
    const y = g.f('AvgPool', [x], attrs, `${layer.name}/avg_pool`);
    return { y, backward: (dy) => ({ dx: [g.f('AvgPoolGrad', [g.shape(x), dy], attrs, `${layer.name}/grad`)], dWeights: new Map() }) };
  },
};

/** Mean over height and width; its gradient spreads dy / (h·w) over every position. */
export const globalAveragePooling2dLayer: CompiledLayerKind = {
  unsupported: (_layer, config) => (config.keepDims ? 'it keeps dims' : commonProblems(config)),
  build({ g, layer, inputs, inputShapes }) {
    const x = inputs[0]!;
    const [h, w, c] = inputShapes[0]! as [number, number, number];
    const axes = g.constInt([1, 2], [2], `${layer.name}/axes`);
    const y = g.f('Mean', [x, axes], [['Tidx', 'type', 3], ['keep_dims', 'bool', false]], `${layer.name}/mean`);
    return {
      y,
      backward(dy) {
        const scaled = g.f('Mul', [dy, g.constFloat(1 / (h * w), [], `${layer.name}/scale`)], [], `${layer.name}/grad_scale`);
        const column = g.reshape(scaled, g.constInt([-1, 1, 1, c], [4], `${layer.name}/grad_shape`));
        const dx = g.f('BroadcastTo', [column, g.shape(x)], [['Tidx', 'type', 3]], `${layer.name}/grad`);
        return { dx: [dx], dWeights: new Map() };
      },
    };
  },
};

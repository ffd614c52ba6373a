// Layers that only move data: Flatten and Reshape (their gradient reshapes back), Add.
import type { CompiledLayerKind } from './types';
import { commonProblems } from './types';

export const reshapeLayer: CompiledLayerKind = {
  unsupported: (_layer, config) => commonProblems(config),
  build({ g, layer, inputs }) {
    const x = inputs[0]!;
    const outShape = (layer.output as { shape: Array<number | null> }).shape.slice(1) as number[];
    const y = g.reshape(x, g.constInt([-1, ...outShape], [outShape.length + 1], `${layer.name}/shape`));
    return { y, backward: (dy) => ({ dx: [g.reshape(dy, g.shape(x))], dWeights: new Map() }) };
  },
};

/** Add of several inputs: the gradient goes to each unchanged. */
export const addLayer: CompiledLayerKind = {
  unsupported: (layer) => {
    const shapes = (layer.input as Array<{ shape: unknown[] }>).map((t) => JSON.stringify(t.shape));
    return new Set(shapes).size === 1 ? undefined : 'its inputs broadcast';
  },
  build: ({ g, layer, inputs }) => ({
    y: [g.op('AddN', [inputs], [['T', 'type', 1], ['N', 'int', inputs.length]], `${layer.name}/add`), 0],
    backward: (dy) => ({ dx: inputs.map(() => dy), dWeights: new Map() }),
  }),
};

// Dropout in training: the kept units are scaled by 1 / (1 - rate), as in tfjs and Keras.
// The mask comes from TensorFlow's stateless random op, seeded by the layer (its `seed`,
// else its name) and the optimizer step, so a run and a resumed run (which restores
// the step count from the checkpoint) drop the same units at the same step.
import type { Out } from '../graph';
import { DT } from '../graph';
import type { CompiledLayerKind } from './types';

/** A 31-bit seed from a layer's name (FNV-1a), when its config gives none. */
function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 1;
}

export const dropoutLayer: CompiledLayerKind = {
  unsupported: (_layer, config) => {
    if (config.noiseShape != null) return 'it has a noiseShape';
    const rate = Number(config.rate ?? 0);
    return rate >= 0 && rate < 1 ? undefined : `its rate ${String(config.rate)} is outside [0, 1)`;
  },
  build({ g, layer, config, inputs, step }) {
    const x = inputs[0]!;
    const rate = Number(config.rate ?? 0);
    if (rate === 0) return { y: x, backward: (dy) => ({ dx: [dy], dWeights: new Map() }) };
    const name = layer.name;
    const layerSeed = typeof config.seed === 'number' ? config.seed | 0 : nameSeed(name);
    const seed: Out = [g.op('Pack', [[g.constInt([layerSeed], [], `${name}/layer_seed`), step]], [['T', 'type', DT.int32], ['N', 'int', 2], ['axis', 'int', 0]], `${name}/seed`), 0];
    const uniform: Out = [
      g.op('StatelessRandomUniform', [g.shape(x), seed], [['dtype', 'type', DT.float], ['T', 'type', DT.int32], ['Tseed', 'type', DT.int32]], `${name}/uniform`),
      0,
    ];
    const kept: Out = [g.op('GreaterEqual', [uniform, g.constFloat(rate, [], `${name}/rate`)], [['T', 'type', DT.float]], `${name}/kept`), 0];
    const keptFloat: Out = [g.op('Cast', [kept], [['SrcT', 'type', DT.bool], ['DstT', 'type', DT.float]], `${name}/kept_float`), 0];
    const mask = g.f('Mul', [keptFloat, g.constFloat(1 / (1 - rate), [], `${name}/scale`)], [], `${name}/mask`);
    return {
      y: g.f('Mul', [x, mask], [], `${name}/dropout`),
      backward: (dy) => ({ dx: [g.f('Mul', [dy, mask], [], `${name}/grad`)], dWeights: new Map() }),
    };
  },
};

// BatchNormalization in training mode over NHWC feature maps: FusedBatchNormV3
// normalizes with the batch's mean and biased variance and FusedBatchNormGradV3 is its
// backward pass. The moving statistics follow tfjs' update exactly:
//   moving -= (moving - batch statistic) * (1 - momentum)
// with the biased batch variance (tfjs' moments); the op's batch_variance is the
// unbiased one (n / (n - 1) times it), so it is scaled back by (n - 1) / n.
import type * as tf from '@tensorflow/tfjs';
import type { Attr } from '../addon';
import type { Out } from '../graph';
import type { CompiledLayerKind } from './types';
import { commonProblems } from './types';

export const batchNormalizationLayer: CompiledLayerKind = {
  unsupported(layer, config) {
    const rank = (layer.input as tf.SymbolicTensor).shape.length;
    if (rank !== 4) return `its input has rank ${rank} (only NHWC feature maps are compiled)`;
    const axis = Array.isArray(config.axis) ? config.axis : [config.axis];
    if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== 3)) return 'it does not normalize the channel axis';
    if (!layer.trainable) return 'it is frozen (inference mode)';
    return commonProblems(config);
  },
  build({ g, layer, config, inputs, inputShapes, variable, batchScale }) {
    const name = layer.name;
    const [h, w, c] = inputShapes[0]! as [number, number, number];
    const weights = layer.weights;
    const find = (suffix: string): tf.LayerVariable | undefined => weights.find((v) => v.originalName.endsWith(suffix) || v.name.endsWith(`${suffix}`));
    const gammaVar = config.scale !== false ? find('gamma') : undefined;
    const betaVar = config.center !== false ? find('beta') : undefined;
    const movingMean = variable(find('moving_mean')!);
    const movingVariance = variable(find('moving_variance')!);
    const gamma = gammaVar ? variable(gammaVar).value : g.constFloat(new Float32Array(c).fill(1), [c], `${name}/ones`);
    const beta = betaVar ? variable(betaVar).value : g.constFloat(new Float32Array(c), [c], `${name}/zeros`);
    const epsilon = Number(config.epsilon ?? 1e-3);
    const attrs: Attr[] = [
      ['T', 'type', 1],
      ['U', 'type', 1],
      ['epsilon', 'float', epsilon],
      ['data_format', 'string', 'NHWC'],
      ['is_training', 'bool', true],
    ];
    const x = inputs[0]!;
    const bn = g.op('FusedBatchNormV3', [x, gamma, beta, movingMean.value, movingVariance.value], [...attrs, ['exponential_avg_factor', 'float', 1]], `${name}/bn`);
    const out = (k: number): Out => [bn, k];

    const decay = g.constFloat(1 - Number(config.momentum ?? 0.99), [], `${name}/decay`);
    // (n - 1) / n with n = batch * h * w = 1 - (1 / batch) / (h * w).
    const unbiasedToBiased = g.f('Sub', [g.constFloat(1, [], `${name}/one`), g.f('Mul', [batchScale, g.constFloat(1 / (h * w), [], `${name}/inv_hw`)])], [], `${name}/bessel`);
    const biasedVariance = g.f('Mul', [out(2), unbiasedToBiased], [], `${name}/biased_variance`);
    const follow = (v: typeof movingMean, value: Out, what: string): number => {
      const next = g.f('Sub', [v.value, g.f('Mul', [g.f('Sub', [v.value, value], [], `${name}/${what}_delta`), decay], [], `${name}/${what}_step`)], [], `${name}/${what}_next`);
      return g.op('AssignVariableOp', [v.handle, next], [['dtype', 'type', 1]], `${name}/${what}_update`);
    };
    const updates = [follow(movingMean, out(1), 'mean'), follow(movingVariance, biasedVariance, 'variance')];
    return {
      y: out(0),
      updates,
      backward(dy) {
        const grad = g.op('FusedBatchNormGradV3', [dy, x, gamma, out(3), out(4), out(5)], attrs, `${name}/grad`);
        const dWeights = new Map<tf.LayerVariable, Out>();
        if (gammaVar) dWeights.set(gammaVar, [grad, 1]);
        if (betaVar) dWeights.set(betaVar, [grad, 2]);
        return { dx: [[grad, 0]], dWeights };
      },
    };
  },
};

// Seeded initializers: every kernel gets its own seed derived from the run's seed, so
// two runs with the same seed start from bit-identical weights.
import * as tf from '@tensorflow/tfjs';
import { mixSeed } from '../data/shuffle';

export type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/** Returns a function handing out Glorot-uniform initializers with seeds seed#0, seed#1, ... */
export function seededKernels(seed: number): () => Initializer {
  let next = 0;
  return () => tf.initializers.glorotUniform({ seed: mixSeed(seed, next++) });
}

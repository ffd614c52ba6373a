// Adam's complete state (step count and both moments per weight) moved between a
// step runner's own storage (TensorFlow variables, one flat vector) and the model's
// tf.AdamOptimizer, whose weights serializeModel writes into checkpoints. A runner
// starts from the optimizer's state and writes its state back before every
// checkpoint, so a resumed run continues exactly where the interrupted one stopped.
import * as tf from '@tensorflow/tfjs';

export interface AdamHyperParameters {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Adam's state for the weights of a model, in the order of `model.trainableWeights`. */
export interface AdamState {
  /** Optimizer steps taken. */
  iterations: number;
  /** First and second moments, one tensor per weight; empty before the first step. */
  m: tf.Tensor[];
  v: tf.Tensor[];
}

export function adamHyperParameters(optimizer: tf.AdamOptimizer): AdamHyperParameters {
  const { learningRate, beta1, beta2, epsilon } = optimizer.getConfig() as Record<string, number | undefined>;
  return { learningRate: learningRate!, beta1: beta1!, beta2: beta2!, epsilon: epsilon ?? tf.backend().epsilon() };
}

/**
 * beta^t as tf.train.adam holds it: a float32 running product (Math.fround of each
 * float32 multiplication), not pow(beta, t), which differs in the last bits.
 */
export function adamBetaPower(beta: number, steps: number): number {
  const b = Math.fround(beta);
  let acc = 1;
  for (let i = 0; i < steps; i++) acc = Math.fround(acc * b);
  return acc;
}

/**
 * The optimizer's state; its moments are the optimizer's own variables (do not
 * dispose them; copy what you keep). Moments absent (fresh optimizer) come back empty.
 */
export async function readAdamState(optimizer: tf.AdamOptimizer, weightCount: number): Promise<AdamState> {
  const named = await optimizer.getWeights();
  const [iter, ...moments] = named;
  const iterations = iter ? Number((await iter.tensor.data())[0]) : 0;
  iter?.tensor.dispose(); // a fresh scalar made by getWeights
  if (moments.length === 0) return { iterations, m: [], v: [] };
  if (moments.length !== 2 * weightCount) {
    throw new Error(
      `the model's Adam optimizer holds ${moments.length / 2} moment pairs but the model has ${weightCount} trainable weights; ` +
        'the checkpoint does not belong to this model: start the step again without it',
    );
  }
  return { iterations, m: moments.slice(0, weightCount).map((w) => w.tensor), v: moments.slice(weightCount).map((w) => w.tensor) };
}

/**
 * Replaces the optimizer's state with `state` (copied; the caller keeps ownership of
 * its tensors). `weights` names the moments the way tf.train.adam names them.
 */
export async function writeAdamState(optimizer: tf.AdamOptimizer, weights: readonly tf.LayerVariable[], state: AdamState): Promise<void> {
  const old = await optimizer.getWeights();
  const named: Array<{ name: string; tensor: tf.Tensor }> = [{ name: 'iter', tensor: tf.scalar(state.iterations, 'int32') }];
  state.m.forEach((tensor, i) => named.push({ name: `${weights[i]!.name}/m`, tensor }));
  state.v.forEach((tensor, i) => named.push({ name: `${weights[i]!.name}/v`, tensor }));
  try {
    await optimizer.setWeights(named); // new variables sharing the tensors' data
  } finally {
    named[0]!.tensor.dispose();
  }
  // The replaced moment variables, and the iteration scalar getWeights made.
  tf.dispose(old.map((w) => w.tensor));
  restoreAdamBetaPowers(optimizer);
}

/**
 * tfjs sets beta^t to pow(beta, t + 1) when it loads Adam's weights; training builds
 * it as a running float32 product. Rebuilds the product so a resumed run is the
 * same run. Reaches into Adam's private accBeta1/accBeta2; skipped if they change shape.
 */
export function restoreAdamBetaPowers(optimizer: unknown): void {
  if (!(optimizer instanceof tf.AdamOptimizer)) return;
  const adam = optimizer as unknown as { iterations: number; beta1: number; beta2: number; accBeta1?: unknown; accBeta2?: unknown };
  const { accBeta1, accBeta2, iterations } = adam;
  if (!(accBeta1 instanceof tf.Variable) || !(accBeta2 instanceof tf.Variable) || !Number.isInteger(iterations)) return;
  // tf.train.adam's accBeta holds beta^(t+1): the power the next step uses.
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(adamBetaPower(adam.beta1, iterations + 1)));
    accBeta2.assign(tf.scalar(adamBetaPower(adam.beta2, iterations + 1)));
  });
}

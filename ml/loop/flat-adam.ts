// Adam over all weights as one flat vector, for backends without TensorFlow's fused
// op (wasm, cpu): the update of tf.train.adam (same hyper-parameters, same
// element-wise arithmetic) in ~20 ops per step whatever the number of weight tensors.
import * as tf from '@tensorflow/tfjs';
import { adamBetaPower, adamHyperParameters, type AdamState } from './adam-state';

export class FlatAdam {
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly sizes: number[];
  private readonly consts: Record<'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'epsilon' | 'negLr', tf.Scalar>;
  private readonly beta1: number;
  private readonly beta2: number;
  private iterations: number;
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    optimizer: tf.AdamOptimizer,
    private readonly variables: tf.Variable[],
    state: AdamState,
  ) {
    const { learningRate, beta1, beta2, epsilon } = adamHyperParameters(optimizer);
    this.beta1 = Math.fround(beta1);
    this.beta2 = Math.fround(beta2);
    this.iterations = state.iterations;
    this.accBeta1 = adamBetaPower(beta1, state.iterations);
    this.accBeta2 = adamBetaPower(beta2, state.iterations);
    this.sizes = variables.map((w) => w.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    const flat = (parts: tf.Tensor[]): tf.Tensor => (parts.length > 0 ? tf.concat(parts.map((p) => tf.reshape(p, [-1]))) : tf.zeros([total]));
    // In a tidy so the tensors the variables start from are released.
    [this.m, this.v] = tf.tidy(() => [tf.variable(flat(state.m), false), tf.variable(flat(state.v), false)]);
    this.consts = {
      beta1: tf.scalar(beta1),
      oneMinusBeta1: tf.scalar(1 - beta1),
      beta2: tf.scalar(beta2),
      oneMinusBeta2: tf.scalar(1 - beta2),
      epsilon: tf.scalar(epsilon),
      negLr: tf.scalar(-learningRate),
    };
  }

  update(grads: tf.Tensor[]): void {
    // tf.train.adam keeps beta^t in float32 variables; Math.fround reproduces that arithmetic.
    this.accBeta1 = Math.fround(this.accBeta1 * this.beta1);
    this.accBeta2 = Math.fround(this.accBeta2 * this.beta2);
    this.iterations++;
    const c = this.consts;
    tf.tidy(() => {
      const g = tf.concat(grads.map((grad) => tf.reshape(grad, [-1])));
      const m = tf.add(tf.mul(this.m, c.beta1), tf.mul(g, c.oneMinusBeta1));
      const v = tf.add(tf.mul(this.v, c.beta2), tf.mul(tf.square(g), c.oneMinusBeta2));
      const mHat = tf.div(m, tf.scalar(Math.fround(1 - this.accBeta1)));
      const vHat = tf.div(v, tf.scalar(Math.fround(1 - this.accBeta2)));
      const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), c.epsilon)), c.negLr);
      this.m.assign(m);
      this.v.assign(v);
      const parts = tf.split(step, this.sizes);
      this.variables.forEach((w, i) => w.assign(tf.add(tf.reshape(parts[i]!, w.shape), w)));
    });
  }

  /** Step count and moments per weight (new tensors: dispose them). */
  state(): AdamState {
    if (this.sizes.length === 0) return { iterations: this.iterations, m: [], v: [] };
    const split = (flat: tf.Tensor): tf.Tensor[] =>
      tf.tidy(() => tf.split(flat, this.sizes).map((part, i) => tf.reshape(part, this.variables[i]!.shape)));
    return { iterations: this.iterations, m: split(this.m), v: split(this.v) };
  }

  dispose(): void {
    tf.dispose([this.m, this.v, ...Object.values(this.consts)]);
  }
}

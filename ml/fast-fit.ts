/**
 * A lean training loop for a compiled tfjs LayersModel: the same mathematics as
 * `model.fit` (the model's own optimizer and loss, shuffled mini-batches), with
 * the overheads of `model.fit` taken out:
 *   - no per-batch synchronous reads: the loss/accuracy are accumulated on the
 *     backend and read once per epoch, plus at most once per `progressEveryMs`
 *     when `onBatchEnd` asks for progress;
 *   - no callback machinery that adds tensor ops per batch (BaseLogger, History);
 *   - batches are gathered straight from the dataset tensors (one gather each),
 *     never copied through JavaScript arrays;
 *   - every per-batch tensor is released in the batch's own scope, so memory is
 *     flat across epochs;
 *   - with an Adam optimizer, fitFast runs Adam itself instead of ~14 small ops per
 *     weight tensor: on tfjs-node one TensorFlow ResourceApplyAdam per weight
 *     (ml/native-ops.ts NativeAdam), elsewhere one update over all weights
 *     concatenated (FlatAdam below). The arithmetic is tf.train.adam's, element for
 *     element; its moments live in fitFast (model.optimizer's own state is not
 *     advanced), so a resumed run restarts them, as it does when a checkpoint holds
 *     only the weights. Pass `fusedAdam: false` to use model.optimizer as it is.
 *   - on tfjs-node, a stack of Dense layers (liteship's MLP) trains with the step of
 *     ml/native-dense.ts: forward, softmax cross-entropy and gradients written out as
 *     31 TensorFlow ops called directly, instead of 108 recorded on tfjs' gradient
 *     tape (see that file; `nativeDense: false` turns it off). Its weights
 *     live in TensorFlow variables and are written back into the model after every
 *     epoch (before `onEpochEnd`) and when fitFast returns or throws.
 * `FitFastResult.method` says which step ran:
 *   'native-dense'      the dense-stack step (tfjs-node, Adam);
 *   'tape+native-adam'  model.apply under tf.variableGrads, NativeAdam (tfjs-node);
 *   'tape+flat-adam'    the same with FlatAdam (wasm, cpu);
 *   'tape+optimizer'    the same with model.optimizer (not Adam, or fusedAdam: false).
 * It yields to the event loop every `yieldEveryMs`, so Temporal heartbeats and
 * cancellation keep flowing during long epochs.
 *
 * Usage (in the training library):
 *   const result = await fitFast(model, xs, ys, {
 *     epochs: 5, batchSize: 32, seed: spec.seed,
 *     onBatchEnd: (batch, logs) => progress(batch, logs.loss),   // throttled
 *     onEpochEnd: async (epoch, logs) => { await checkpoint(epoch); },
 *     signal,                                                     // AbortSignal: stop between batches
 *   });
 *
 * Supported losses: 'categoricalCrossentropy' (one-hot ys) and
 * 'sparseCategoricalCrossentropy' (integer class ys), as given to `model.compile`.
 * Accuracy is reported when the model was compiled with metrics ['accuracy'] / ['acc'].
 */
import * as tf from '@tensorflow/tfjs';
import { seededPermutation } from './data/shuffle';
import { DenseStackTrainer, planDenseStack } from './native-dense';
import { NativeAdam, NativeOps } from './native-ops';

export interface BatchLogs {
  /** Loss of this batch. */
  loss: number;
  /** Samples seen so far in this epoch. */
  samples: number;
}

export interface EpochLogs {
  /** Mean loss over the epoch's samples (as model.fit reports it). */
  loss: number;
  /** Training accuracy over the epoch, when the model was compiled with the accuracy metric. */
  acc?: number;
  samples: number;
  seconds: number;
  samplesPerSec: number;
}

export interface FitFastOptions {
  epochs: number;
  batchSize: number;
  /** Seed of the per-epoch shuffle: the same seed gives the same batches. */
  seed: number;
  /** Shuffle the samples every epoch (default true). */
  shuffle?: boolean;
  /** First epoch's index, when resuming from a checkpoint (default 0). Epochs run initialEpoch..epochs-1. */
  initialEpoch?: number;
  /**
   * Progress: called after a batch at most once per `progressEveryMs` (default 1000)
   * and after each epoch's last batch. Each call costs one synchronous read.
   */
  onBatchEnd?: (batch: number, logs: BatchLogs) => void | Promise<void>;
  progressEveryMs?: number;
  /** Called after every epoch (awaited: a checkpoint may be saved here). */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /** Yield to the event loop at least this often (default 50 ms). */
  yieldEveryMs?: number;
  /** Stop between batches: fitFast then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** One Adam update over all weights when the model's optimizer is Adam (default true). */
  fusedAdam?: boolean;
  /**
   * On tfjs-node, train a stack of Dense layers with the step of ml/native-dense.ts
   * (default true; needs `fusedAdam`). False keeps the generic tape path.
   */
  nativeDense?: boolean;
}

/** How fitFast trained: see the module comment. */
export type FitFastMethod = 'native-dense' | 'tape+native-adam' | 'tape+flat-adam' | 'tape+optimizer';

export interface FitFastResult {
  /** One entry per epoch run, in order. */
  epochs: EpochLogs[];
  method: FitFastMethod;
}

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

const LOSSES: Record<string, { loss: LossFn; correct: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor }> = {
  categoricalCrossentropy: {
    loss: (yTrue, yPred) => tf.metrics.categoricalCrossentropy(yTrue, yPred),
    correct: (yTrue, yPred) => tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)).sum(),
  },
  sparseCategoricalCrossentropy: {
    loss: (yTrue, yPred) =>
      tf.metrics.categoricalCrossentropy(tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), yPred.shape[yPred.rank - 1]!), yPred),
    correct: (yTrue, yPred) => tf.equal(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), tf.argMax(yPred, -1)).sum(),
  },
};

/** Trains `model` on (xs, ys) and returns per-epoch logs. See the module comment. */
export async function fitFast(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, opts: FitFastOptions): Promise<FitFastResult> {
  const checked = checkModel(model);
  checkOptions(xs, ys, opts);
  const count = xs.shape[0]!;
  const { batchSize, epochs, seed } = opts;
  const progressEveryMs = opts.progressEveryMs ?? 1000;
  const yieldEveryMs = opts.yieldEveryMs ?? 50;
  const batchesPerEpoch = Math.ceil(count / batchSize);
  const native = NativeOps.current();
  const runner = createRunner(model, xs, ys, checked, opts, native);
  // Running sums: one TensorFlow op each on tfjs-node (the tape path's accuracy count is int32: tf.add casts it).
  const add = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => (native && a.dtype === 'float32' && b.dtype === 'float32' ? native.add(a, b) : tf.add(a, b));
  const result: FitFastResult = { epochs: [], method: runner.method };
  let lastYield = performance.now();
  let lastProgress = -Infinity;

  try {
    for (let epoch = opts.initialEpoch ?? 0; epoch < epochs; epoch++) {
      result.epochs.push(await runEpoch(epoch));
    }
  } finally {
    try {
      runner.syncModel();
    } finally {
      runner.dispose();
    }
  }
  return result;

  async function runEpoch(epoch: number): Promise<EpochLogs> {
    const start = performance.now();
    const order = opts.shuffle === false ? identityOrder(count) : shuffledOrder(count, seed, epoch);
    // Running sums on the backend, read once at the end of the epoch.
    let lossSum: tf.Tensor = tf.scalar(0);
    let correctSum: tf.Tensor = tf.scalar(0);
    try {
      for (let batch = 0; batch < batchesPerEpoch; batch++) {
        opts.signal?.throwIfAborted();
        const from = batch * batchSize;
        const size = Math.min(batchSize, count - from);
        const index = tf.tensor1d(order.subarray(from, from + size), 'int32');
        let step: StepResult;
        try {
          step = runner.step(index, size);
        } finally {
          index.dispose();
        }
        const nextLoss = add(lossSum, step.lossSum);
        lossSum.dispose();
        lossSum = nextLoss;
        if (step.correct) {
          const nextCorrect = add(correctSum, step.correct);
          correctSum.dispose();
          correctSum = nextCorrect;
          step.correct.dispose();
        }

        const now = performance.now();
        const lastOfEpoch = batch === batchesPerEpoch - 1;
        try {
          if (opts.onBatchEnd && (lastOfEpoch || now - lastProgress >= progressEveryMs)) {
            lastProgress = now;
            await opts.onBatchEnd(batch, { loss: (await step.lossSum.data())[0]! / size, samples: from + size });
          }
        } finally {
          step.lossSum.dispose();
        }
        if (now - lastYield >= yieldEveryMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      const [loss, correct] = await Promise.all([lossSum.data(), correctSum.data()]);
      const seconds = (performance.now() - start) / 1000;
      const logs: EpochLogs = {
        loss: loss[0]! / count,
        ...(checked.wantsAccuracy ? { acc: correct[0]! / count } : {}),
        samples: count,
        seconds,
        samplesPerSec: count / seconds,
      };
      // A checkpoint saved in onEpochEnd must see this epoch's weights.
      runner.syncModel();
      await opts.onEpochEnd?.(epoch, logs);
      return logs;
    } finally {
      lossSum.dispose();
      correctSum.dispose();
    }
  }
}

interface StepResult {
  /** Sum of the batch's per-sample losses. */
  lossSum: tf.Tensor;
  /** Correctly classified samples of the batch (when accuracy is wanted). */
  correct?: tf.Tensor;
}

/** One way of training a batch. The caller disposes the tensors `step` returns. */
interface StepRunner {
  method: FitFastMethod;
  step(index: tf.Tensor1D, size: number): StepResult;
  /** Makes the model's variables hold the trained weights (a no-op when they always do). */
  syncModel(): void;
  dispose(): void;
}

function createRunner(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  checked: ReturnType<typeof checkModel>,
  opts: FitFastOptions,
  native: NativeOps | undefined,
): StepRunner {
  const { optimizer, lossName, wantsAccuracy } = checked;
  const adam = opts.fusedAdam !== false && optimizer instanceof tf.AdamOptimizer ? optimizer : undefined;
  if (native && adam && opts.nativeDense !== false) {
    const plan = planDenseStack(model, xs);
    if (typeof plan !== 'string') {
      const trainer = new DenseStackTrainer(native, plan, adam, xs, ys, lossName === 'sparseCategoricalCrossentropy', wantsAccuracy);
      return {
        method: 'native-dense',
        step: (index, size) => trainer.step(index, size),
        syncModel: () => trainer.syncModel(),
        dispose: () => trainer.dispose(),
      };
    }
  }
  return new TapeStep(model, xs, ys, checked, adam, native);
}

/**
 * The generic step: the model's forward pass under tf.variableGrads, tfjs' loss,
 * then one of three updates: NativeAdam on tfjs-node, FlatAdam elsewhere, or
 * model.optimizer itself (no Adam, or `fusedAdam: false`).
 */
class TapeStep implements StepRunner {
  readonly method: FitFastMethod;
  private readonly variables: tf.Variable[];
  private readonly flatAdam?: FlatAdam;
  private readonly nativeAdam?: NativeAdam;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly xs: tf.Tensor,
    private readonly ys: tf.Tensor,
    private readonly checked: ReturnType<typeof checkModel>,
    adam: tf.AdamOptimizer | undefined,
    native: NativeOps | undefined,
  ) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    if (adam && native) this.nativeAdam = new NativeAdam(native, adam, this.variables);
    else if (adam) this.flatAdam = new FlatAdam(adam, this.variables);
    this.method = this.nativeAdam ? 'tape+native-adam' : this.flatAdam ? 'tape+flat-adam' : 'tape+optimizer';
  }

  step(index: tf.Tensor1D, size: number): StepResult {
    const { model, variables, checked } = this;
    const { lossFns, wantsAccuracy, optimizer } = checked;
    // NativeAdam holds the weights: the model's variables take its current values.
    if (this.nativeAdam) this.syncModel();
    let grads: tf.Tensor[] | undefined;
    const result = tf.tidy(() => {
      const xb = tf.gather(this.xs, index);
      const yb = tf.gather(this.ys, index);
      let batchCorrect: tf.Tensor | undefined;
      const lossOf = (): tf.Scalar => {
        const pred = model.apply(xb, { training: true }) as tf.Tensor;
        if (wantsAccuracy) batchCorrect = tf.keep(lossFns.correct(yb, pred));
        return tf.mean(lossFns.loss(yb, pred)) as tf.Scalar;
      };
      let cost: tf.Scalar | null;
      if (this.flatAdam || this.nativeAdam) {
        const { value, grads: byName } = tf.variableGrads(lossOf, variables);
        // A weight the loss does not reach gets a zero gradient.
        const ordered = variables.map((v) => byName[v.name] ?? tf.zerosLike(v));
        if (this.flatAdam) this.flatAdam.update(ordered);
        else grads = ordered.map((g) => tf.keep(g));
        cost = value;
      } else {
        cost = optimizer.minimize(lossOf, true, variables);
      }
      if (!cost) throw new Error('fitFast: the optimizer returned no loss');
      return { lossSum: tf.mul(cost, size), ...(batchCorrect ? { correct: batchCorrect } : {}) };
    });
    if (grads) this.nativeAdam!.applyAndFree(grads, [result.lossSum, ...(result.correct ? [result.correct] : [])]);
    return result;
  }

  syncModel(): void {
    if (!this.nativeAdam) return;
    const values = this.nativeAdam.read();
    this.variables.forEach((v, i) => v.assign(values[i]!));
    tf.dispose(values);
  }

  dispose(): void {
    this.flatAdam?.dispose();
    this.nativeAdam?.dispose();
  }
}

/**
 * Adam over all weights as one flat vector: the update of tf.train.adam (same
 * hyper-parameters, same element-wise arithmetic), in ~20 ops per step whatever
 * the number of weight tensors.
 */
class FlatAdam {
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly sizes: number[];
  private readonly consts: Record<'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'epsilon' | 'negLr', tf.Scalar>;
  private readonly beta1: number;
  private readonly beta2: number;
  private accBeta1 = 1;
  private accBeta2 = 1;

  constructor(
    optimizer: tf.AdamOptimizer,
    private readonly variables: tf.Variable[],
  ) {
    const { learningRate, beta1, beta2, epsilon } = optimizer.getConfig() as Record<string, number>;
    const eps = epsilon ?? tf.backend().epsilon();
    this.beta1 = Math.fround(beta1!);
    this.beta2 = Math.fround(beta2!);
    this.sizes = variables.map((w) => w.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // In a tidy so the zero tensors the variables start from are released.
    [this.m, this.v] = tf.tidy(() => [tf.variable(tf.zeros([total]), false), tf.variable(tf.zeros([total]), false)]);
    this.consts = {
      beta1: tf.scalar(beta1!),
      oneMinusBeta1: tf.scalar(1 - beta1!),
      beta2: tf.scalar(beta2!),
      oneMinusBeta2: tf.scalar(1 - beta2!),
      epsilon: tf.scalar(eps),
      negLr: tf.scalar(-learningRate!),
    };
  }

  update(grads: tf.Tensor[]): void {
    // tf.train.adam keeps beta^t in float32 variables; Math.fround reproduces that arithmetic.
    this.accBeta1 = Math.fround(this.accBeta1 * this.beta1);
    this.accBeta2 = Math.fround(this.accBeta2 * this.beta2);
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

  dispose(): void {
    tf.dispose([this.m, this.v, ...Object.values(this.consts)]);
  }
}

function checkModel(model: tf.LayersModel): {
  optimizer: tf.Optimizer;
  lossName: string;
  lossFns: (typeof LOSSES)[string];
  wantsAccuracy: boolean;
} {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (!optimizer) throw new Error('fitFast: the model is not compiled; call model.compile({ optimizer, loss, metrics }) first');
  const loss = Array.isArray(model.loss) ? model.loss[0] : model.loss;
  const lossFns = typeof loss === 'string' ? LOSSES[loss] : undefined;
  if (!lossFns) {
    throw new Error(
      `fitFast: unsupported loss ${typeof loss === 'string' ? JSON.stringify(loss) : 'function'}; compile the model with one of ${Object.keys(LOSSES).join(', ')}, or train it with model.fit`,
    );
  }
  if (model.outputs.length !== 1) throw new Error(`fitFast: the model must have one output, it has ${model.outputs.length}; use model.fit`);
  const metrics = (model as unknown as { metrics?: unknown }).metrics;
  const names = Array.isArray(metrics) ? metrics : [];
  const wantsAccuracy = names.some((m) => m === 'accuracy' || m === 'acc');
  return { optimizer, lossName: loss as string, lossFns, wantsAccuracy };
}

function checkOptions(xs: tf.Tensor, ys: tf.Tensor, opts: FitFastOptions): void {
  const count = xs.shape[0];
  if (!count) throw new Error(`fitFast: xs has no samples (shape [${xs.shape.join(', ')}])`);
  if (ys.shape[0] !== count) throw new Error(`fitFast: xs has ${count} samples but ys has ${ys.shape[0]}; they must match`);
  for (const [name, value, min] of [['epochs', opts.epochs, 1], ['batchSize', opts.batchSize, 1], ['initialEpoch', opts.initialEpoch ?? 0, 0]] as const) {
    if (!Number.isInteger(value) || value < min) throw new Error(`fitFast: ${name} must be an integer >= ${min}, got ${value}`);
  }
  if (!Number.isFinite(opts.seed)) throw new Error(`fitFast: seed must be a finite number, got ${opts.seed}`);
}

function identityOrder(count: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

/** A Fisher-Yates shuffle driven by mulberry32 seeded from (seed, epoch): reproducible per epoch. */
export function shuffledOrder(count: number, seed: number, epoch: number): Int32Array {
  const rngSeed = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
  // Indices are < 2^31, so the int32 view of the permutation holds the same values.
  return new Int32Array(seededPermutation(count, rngSeed).buffer);
}

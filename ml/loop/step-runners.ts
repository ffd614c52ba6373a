/**
 * Step runners: the ways the epoch loop (./epoch-loop.ts) trains one batch.
 *
 *   'compiled'          the whole step (forward, loss, backward, Adam) as one TensorFlow
 *                       graph, one session call per batch (ml/compiled; tfjs-node and
 *                       liteship's graph addon, the layer kinds of ml/compiled/registry.ts);
 *   'native-dense'      a stack of Dense layers on tfjs-node, its step written out as
 *                       TensorFlow ops (ml/native-dense.ts), Adam in TensorFlow;
 *   'tape+native-adam'  model.apply under tf.variableGrads, Adam as TensorFlow's
 *                       ResourceApplyAdam (tfjs-node, any layer kind);
 *   'tape+flat-adam'    the same with FlatAdam (wasm, cpu);
 *   'tape+optimizer'    the same with model.optimizer itself (not Adam, or fusedAdam: false).
 *
 * The runners that keep Adam themselves start from the state of the model's
 * optimizer (a resumed checkpoint's step count and moments) and write weights and
 * state back in `syncModel`, so a checkpoint holds the complete optimizer state.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches';
import { createCompiledRunner } from '../compiled/runner';
import { DenseStackTrainer, planDenseStack } from '../native-dense';
import { NativeAdam, NativeOps } from '../native-ops';
import { readAdamState, writeAdamState, type AdamState } from './adam-state';
import { FlatAdam } from './flat-adam';
import { compiledTraining, type CompiledTraining } from './losses';

export type StepMethod = 'compiled' | 'native-dense' | 'tape+native-adam' | 'tape+flat-adam' | 'tape+optimizer';

export interface StepResult {
  /** Sum of the batch's per-sample losses. */
  lossSum: tf.Scalar;
  /** Correctly classified samples of the batch (when the model's metrics ask for accuracy). */
  correct?: tf.Scalar;
}

/** The trained weights while a runner holds them (they may live outside the model). */
export interface WeightStore {
  /** The current value of a trainable weight (a new tensor: dispose it). */
  read(weight: tf.LayerVariable): tf.Tensor;
  write(weight: tf.LayerVariable, value: tf.Tensor): void;
}

export interface StepRunner {
  readonly method: StepMethod;
  readonly weights: WeightStore;
  /** Trains on one batch of `size` samples; the caller disposes the result's tensors. */
  step(batch: Batch, size: number): StepResult;
  /** Writes the trained weights and the optimizer state into the model (before a checkpoint, at the end). */
  syncModel(): Promise<void>;
  dispose(): void;
}

export interface RunnerOptions {
  /** On tfjs-node, train through the compiled graph step when the model allows (default true; needs fusedAdam). */
  compiled?: boolean;
  /** Run Adam in the runner (TensorFlow's op or FlatAdam) when the model's optimizer is Adam (default true). */
  fusedAdam?: boolean;
  /** On tfjs-node, train a Dense stack with ml/native-dense.ts (default true; needs fusedAdam). */
  nativeDense?: boolean;
}

const printedFallbacks = new Set<string>();

/** The fastest runner the active backend and the model allow. */
export async function createStepRunner(model: tf.LayersModel, options: RunnerOptions = {}): Promise<StepRunner> {
  const compiled = compiledTraining(model);
  const weights = model.trainableWeights;
  const adam = options.fusedAdam !== false && compiled.optimizer instanceof tf.AdamOptimizer ? compiled.optimizer : undefined;
  const state = adam ? await readAdamState(adam, weights.length) : undefined;
  const native = NativeOps.current();
  if (native && adam && state && options.compiled !== false) {
    const runner = createCompiledRunner(model, compiled, adam, state);
    if (typeof runner !== 'string') return runner;
    noteFallback(`the compiled training step does not apply to model ${model.name} (${runner}); training it step by step instead`);
  }
  if (native && adam && state && options.nativeDense !== false) {
    const plan = planDenseStack(model);
    const why = typeof plan === 'string' ? plan : plan.weights.some((w, i) => w !== weights[i]) ? 'its weights are not in layer order' : undefined;
    if (why === undefined && typeof plan !== 'string') {
      const trainer = new DenseStackTrainer(native, plan, adam, state, compiled.lossName === 'sparseCategoricalCrossentropy', compiled.wantsAccuracy);
      return new AdamRunner('native-dense', model, adam, trainer.adam, (batch, size) => trainer.step(batch.x, batch.y, size), () => trainer.dispose());
    }
    noteFallback(`the native Dense step does not apply to model ${model.name} (${why}); training it through tfjs' gradient tape`);
  }
  if (native && adam && state) {
    const nativeAdam = new NativeAdam(native, adam, weights.map((w) => w.read()), state);
    const variables = weights.map((w) => w.read() as tf.Variable);
    const tape = new TapeStep(model, compiled);
    const step = (batch: Batch, size: number): StepResult => {
      // The weights live in NativeAdam: the model's variables take their current values for the forward pass.
      const values = nativeAdam.read();
      variables.forEach((v, i) => v.assign(values[i]!));
      tf.dispose(values);
      const { result, grads } = tape.gradients(batch, size);
      nativeAdam.applyAndFree(grads, [result.lossSum, ...(result.correct ? [result.correct] : [])]);
      return result;
    };
    return new AdamRunner('tape+native-adam', model, adam, nativeAdam, step, () => nativeAdam.dispose());
  }
  if (adam && state) {
    const variables = weights.map((w) => w.read() as tf.Variable);
    const flat = new FlatAdam(adam, variables, state);
    const tape = new TapeStep(model, compiled);
    const step = (batch: Batch, size: number): StepResult => {
      const { result, grads } = tape.gradients(batch, size);
      try {
        flat.update(grads);
      } catch (err) {
        tf.dispose([result.lossSum, result.correct]);
        throw err;
      } finally {
        tf.dispose(grads);
      }
      return result;
    };
    return new AdamRunner('tape+flat-adam', model, adam, modelStore(), step, () => flat.dispose(), flat);
  }
  const tape = new TapeStep(model, compiled);
  return {
    method: 'tape+optimizer',
    weights: modelStore(),
    step: (batch, size) => tape.minimize(batch, size),
    syncModel: () => Promise.resolve(),
    dispose: () => undefined,
  };
}

function noteFallback(reason: string): void {
  if (printedFallbacks.has(reason)) return;
  printedFallbacks.add(reason);
  console.warn(`liteship: ${reason}`);
}

/** Weights read and written in the model's own variables. */
function modelStore(): WeightStore {
  return { read: (w) => tf.clone(w.read()), write: (w, value) => w.write(value) };
}

/** Adam held outside the model's optimizer: as TensorFlow variables (NativeAdam) or as FlatAdam. */
class AdamRunner implements StepRunner {
  readonly weights: WeightStore;
  private readonly index: Map<tf.LayerVariable, number>;

  constructor(
    readonly method: StepMethod,
    private readonly model: tf.LayersModel,
    private readonly optimizer: tf.AdamOptimizer,
    private readonly holder: NativeAdam | WeightStore,
    readonly step: (batch: Batch, size: number) => StepResult,
    private readonly release: () => void,
    private readonly flat?: FlatAdam,
  ) {
    this.index = new Map(model.trainableWeights.map((w, i) => [w, i]));
    const at = (w: tf.LayerVariable): number => {
      const i = this.index.get(w);
      if (i === undefined) throw new Error(`weight ${w.name} is not a trainable weight of model ${model.name}`);
      return i;
    };
    const h = holder;
    this.weights =
      h instanceof NativeAdam ? { read: (w) => h.readOne(at(w)), write: (w, value) => h.write(at(w), value) } : h;
  }

  async syncModel(): Promise<void> {
    const weights = this.model.trainableWeights;
    let state: AdamState;
    if (this.holder instanceof NativeAdam) {
      const values = this.holder.read();
      try {
        weights.forEach((w, i) => w.write(values[i]!));
      } finally {
        tf.dispose(values);
      }
      state = this.holder.state();
    } else {
      state = this.flat!.state();
    }
    try {
      await writeAdamState(this.optimizer, weights, state);
    } finally {
      tf.dispose([...state.m, ...state.v]);
    }
  }

  dispose(): void {
    this.release();
  }
}

/** The model's forward pass and tfjs' loss under the gradient tape. */
class TapeStep {
  private readonly variables: tf.Variable[];

  constructor(
    private readonly model: tf.LayersModel,
    private readonly compiled: CompiledTraining,
  ) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Loss, accuracy and the gradient of every trainable weight (in model order; the caller disposes them). */
  gradients(batch: Batch, size: number): { result: StepResult; grads: tf.Tensor[] } {
    let grads: tf.Tensor[] = [];
    let result: StepResult | undefined;
    tf.tidy(() => {
      const { lossOf, correct } = this.lossFunction(batch);
      const { value, grads: byName } = tf.variableGrads(lossOf, this.variables);
      // A weight the loss does not reach gets a zero gradient.
      grads = this.variables.map((v) => tf.keep(byName[v.name] ?? tf.zerosLike(v)));
      result = this.result(value, size, correct());
    });
    return { result: result!, grads };
  }

  /** One step of the model's own optimizer. */
  minimize(batch: Batch, size: number): StepResult {
    let result: StepResult | undefined;
    tf.tidy(() => {
      const { lossOf, correct } = this.lossFunction(batch);
      const cost = this.compiled.optimizer.minimize(lossOf, true, this.variables);
      if (!cost) throw new Error('the optimizer returned no loss');
      result = this.result(cost, size, correct());
    });
    return result!;
  }

  private lossFunction(batch: Batch): { lossOf: () => tf.Scalar; correct: () => tf.Scalar | undefined } {
    const { lossFns, wantsAccuracy } = this.compiled;
    let batchCorrect: tf.Scalar | undefined;
    const lossOf = (): tf.Scalar => {
      const pred = this.model.apply(batch.x, { training: true }) as tf.Tensor;
      // Kept out of the tape's tidy so the epoch accuracy needs no second forward pass.
      if (wantsAccuracy) batchCorrect = tf.keep(tf.cast(lossFns.correct(batch.y, pred), 'float32') as tf.Scalar);
      return tf.mean(lossFns.loss(batch.y, pred)) as tf.Scalar;
    };
    return { lossOf, correct: () => batchCorrect };
  }

  /** Kept out of the enclosing tidy: the loop disposes them. */
  private result(cost: tf.Scalar, size: number, correct: tf.Scalar | undefined): StepResult {
    return { lossSum: tf.keep(tf.mul(cost, size) as tf.Scalar), ...(correct ? { correct } : {}) };
  }
}

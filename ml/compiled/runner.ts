/**
 * The 'compiled' step runner: the training step as one TensorFlow graph
 * (./step-graph.ts) run by one session call per batch through liteship's graph
 * addon (native/tf_graph.cc), on the libtensorflow tfjs-node uses.
 *
 * Weights, BatchNormalization statistics and Adam's moments live in the session's
 * variables while training; `syncModel` writes them into the model and its
 * tf.AdamOptimizer (./../loop/adam-state.ts), so checkpoints stay complete. Adam's
 * step count and beta powers are kept here, in float32 arithmetic, exactly as
 * NativeAdam (ml/native-ops.ts) keeps them, and fed to ResourceApplyAdam each step.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches';
import { adamBetaPower, adamHyperParameters, writeAdamState, type AdamState } from '../loop/adam-state';
import type { CompiledTraining } from '../loop/losses';
import type { StepResult, StepRunner, WeightStore } from '../loop/step-runners';
import { loadGraphAddon, type Feed, type GraphAddon, type TypedData } from './addon';
import { DT, type GraphVariable } from './graph';
import { planCompiledStep } from './plan';
import { buildStepGraph, type StepGraph } from './step-graph';
import { FULL_TRACE_RUN_OPTIONS, stepProfiler } from './step-stats';

const runId = `liteship_compiled_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
let nextGraph = 0;

/** A compiled runner for `model`, or why there is none (addon missing, a layer kind it does not build). */
export function createCompiledRunner(model: tf.LayersModel, compiled: CompiledTraining, adam: tf.AdamOptimizer, state: AdamState): StepRunner | string {
  const { addon, why } = loadGraphAddon();
  if (!addon) return why!;
  const plan = planCompiledStep(model);
  if (typeof plan === 'string') return plan;
  if (compiled.lossName !== 'categoricalCrossentropy' && compiled.lossName !== 'sparseCategoricalCrossentropy') return `its loss ${compiled.lossName} is not compiled`;
  const hp = adamHyperParameters(adam);
  // A graph TensorFlow rejects (an op or attribute this build lacks) is a reason to fall back, not a failed training.
  try {
    const graph = buildStepGraph(addon, plan, model.trainableWeights, {
      sparse: compiled.lossName === 'sparseCategoricalCrossentropy',
      wantsAccuracy: compiled.wantsAccuracy,
      learningRate: hp.learningRate,
      beta1: hp.beta1,
      beta2: hp.beta2,
      prefix: `${runId}_${nextGraph++}`,
    });
    return new CompiledRunner(addon, graph, model, adam, state);
  } catch (err) {
    return `TensorFlow did not accept its graph: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

const floats = (t: tf.Tensor): Float32Array => (t.dtype === 'float32' ? (t.dataSync() as Float32Array) : Float32Array.from(t.dataSync()));

class CompiledRunner implements StepRunner {
  readonly method = 'compiled' as const;
  readonly weights: WeightStore;
  private readonly session: object;
  private readonly trainable: tf.LayerVariable[];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private iterations: number;
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    private readonly addon: GraphAddon,
    private readonly graph: StepGraph,
    model: tf.LayersModel,
    private readonly adam: tf.AdamOptimizer,
    state: AdamState,
  ) {
    const hp = adamHyperParameters(adam);
    this.beta1 = Math.fround(hp.beta1);
    this.beta2 = Math.fround(hp.beta2);
    this.epsilon = hp.epsilon;
    this.iterations = state.iterations;
    this.accBeta1 = adamBetaPower(hp.beta1, state.iterations);
    this.accBeta2 = adamBetaPower(hp.beta2, state.iterations);
    this.trainable = model.trainableWeights;
    this.session = addon.newSession(graph.g.graph, null);
    // Initial values: the model's weights, the optimizer's moments (zeros on a fresh run).
    const feeds: Feed[] = [];
    const assign = (v: GraphVariable, data: Float32Array): void => void feeds.push([v.feed[0], v.feed[1], DT.float, v.shape, data]);
    graph.variables.forEach((v, w) => assign(v, floats(w.read())));
    this.trainable.forEach((w, i) => {
      const size = w.shape.reduce((a: number, d) => a * (d ?? 1), 1);
      assign(graph.m[i]!, state.m[i] ? floats(state.m[i]!) : new Float32Array(size));
      assign(graph.v[i]!, state.v[i] ? floats(state.v[i]!) : new Float32Array(size));
    });
    this.run(feeds, [], this.assignOps());
    const variable = (w: tf.LayerVariable): GraphVariable => {
      const v = graph.variables.get(w);
      if (!v) throw new Error(`weight ${w.name} is not a weight of model ${model.name}`);
      return v;
    };
    this.weights = {
      read: (w) => {
        const v = variable(w);
        const [[, shape, data]] = this.run([], [v.value], []) as [[number, number[], TypedData]];
        return tf.tensor(data as Float32Array, shape);
      },
      write: (w, value) => {
        const v = variable(w);
        this.run([[v.feed[0], v.feed[1], DT.float, v.shape, floats(value)]], [], [v.assign]);
      },
    };
  }

  step(batch: Batch, size: number): StepResult {
    const { feeds } = this.graph;
    this.accBeta1 = Math.fround(this.accBeta1 * this.beta1);
    this.accBeta2 = Math.fround(this.accBeta2 * this.beta2);
    this.iterations++;
    const y = batch.y;
    const labels: Feed = this.graph.sparse
      ? [feeds.labels[0], 0, DT.int32, [size], y.dtype === 'int32' ? (y.dataSync() as Int32Array) : Int32Array.from(y.dataSync())]
      : [feeds.labels[0], 0, DT.float, y.shape, floats(y)];
    const scalar = (out: readonly [number, number], value: number): Feed => [out[0], out[1], DT.float, [], new Float32Array([value])];
    const fetched = this.trainRun(
      [
        [feeds.x[0], 0, DT.float, batch.x.shape, floats(batch.x)],
        labels,
        [feeds.step[0], feeds.step[1], DT.int32, [], new Int32Array([this.iterations])],
        scalar(feeds.scale, 1 / size),
        scalar(feeds.beta1Power, this.accBeta1),
        scalar(feeds.beta2Power, this.accBeta2),
        // tfjs adds epsilon to the bias-corrected sqrt(v); TensorFlow's op to sqrt(v): see NativeAdam.
        scalar(feeds.epsilon, this.epsilon * Math.sqrt(1 - this.accBeta2)),
      ],
      [this.graph.lossSum, ...(this.graph.correct ? [this.graph.correct] : [])],
      [this.graph.train],
    );
    const lossSum = tf.scalar(fetched[0]![2][0]!);
    return fetched[1] ? { lossSum, correct: tf.scalar(fetched[1][2][0]!) } : { lossSum };
  }

  async syncModel(): Promise<void> {
    const vars = [...this.graph.variables.entries()];
    const fetched = this.run([], [...vars.map(([, v]) => v.value), ...this.graph.m.map((v) => v.value), ...this.graph.v.map((v) => v.value)], []);
    const tensors = fetched.map(([, shape, data]) => tf.tensor(data as Float32Array, shape));
    try {
      vars.forEach(([w], i) => w.write(tensors[i]!));
      const n = this.trainable.length;
      const state = { iterations: this.iterations, m: tensors.slice(vars.length, vars.length + n), v: tensors.slice(vars.length + n) };
      await writeAdamState(this.adam, this.trainable, state);
    } finally {
      tf.dispose(tensors);
    }
  }

  dispose(): void {
    this.addon.closeSession(this.session);
  }

  private assignOps(): number[] {
    return [...this.graph.variables.values(), ...this.graph.m, ...this.graph.v].map((v) => v.assign);
  }

  /** run(), traced when a profiler listens (bench/profile-step.ts). */
  private trainRun(feeds: readonly Feed[], fetches: ReadonlyArray<readonly [number, number]>, targets: readonly number[]): Array<[number, number[], TypedData]> {
    const onStep = stepProfiler.onStep;
    if (!onStep) return this.run(feeds, fetches, targets);
    const start = performance.now();
    const [outputs, metadata] = this.addon.run(this.session, feeds, fetches, targets, FULL_TRACE_RUN_OPTIONS);
    onStep(metadata, performance.now() - start);
    return outputs;
  }

  private run(feeds: readonly Feed[], fetches: ReadonlyArray<readonly [number, number]>, targets: readonly number[]): Array<[number, number[], TypedData]> {
    return this.addon.run(this.session, feeds, fetches, targets);
  }
}

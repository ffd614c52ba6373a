/**
 * The one training loop of liteship: the train step, the prune step, the
 * benchmarks and the tests all run their epochs here.
 *
 *   const result = await runEpochs(model, imageSetBatches(train), { epochs, batchSize, seed }, {
 *     onBatchEnd: (p) => heartbeat(p),            // throttled by progressIntervalMs
 *     onEpochEnd: async (e) => checkpoint(e),     // the model holds this epoch's weights and Adam state
 *     afterStep: ({ step, weights }) => mask(weights),
 *   });
 *
 * - Batches follow epochPermutation(count, seed, epoch) (ml/data/shuffle), so a run
 *   resumed at epoch k sees exactly the batches of the uninterrupted run.
 * - The step runner (./step-runners.ts) is the fastest the backend allows; it may
 *   hold the weights and Adam's state itself: they are written back into the model
 *   (weights and optimizer) before every onEpochEnd and when the loop stops,
 *   returning or throwing, so a checkpoint holds everything a resume needs.
 * - Loss and accuracy sums stay on the backend; they are read when progress is
 *   reported and once per epoch. Every per-batch tensor is freed in its batch, so
 *   memory is flat across epochs.
 * - It yields to the event loop at least every `yieldEveryMs` (default: every
 *   batch), so heartbeats and cancellation keep flowing; `signal` stops it between
 *   batches (the promise rejects with the signal's reason).
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchSource } from '../data/batches';
import { epochPermutation } from '../data/shuffle';
import { NativeOps } from '../native-ops';
import { createStepRunner, type RunnerOptions, type StepMethod, type WeightStore } from './step-runners';

export interface LoopOptions {
  /** Index one past the last epoch (Keras semantics: the total number of epochs). */
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle. */
  seed: number;
  /** First epoch to run (0-based), when resuming from a checkpoint. */
  initialEpoch?: number;
  /** Shuffle every epoch (default true); false keeps the source's order. */
  shuffle?: boolean;
  /** Minimum time between onBatchEnd calls (default 1000); 0 = every batch. */
  progressIntervalMs?: number;
  /** Yield to the event loop at least this often (default 0: after every batch). */
  yieldEveryMs?: number;
  signal?: AbortSignal;
  runner?: RunnerOptions;
}

export interface LoopProgress {
  epoch: number;
  /** 0-based index of the batch that just finished. */
  batch: number;
  batchesPerEpoch: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy?: number;
}

export interface LoopEpoch {
  epoch: number;
  /** Mean loss over the epoch's samples. */
  loss: number;
  /** Training accuracy, when the model's metrics ask for it. */
  accuracy?: number;
  samples: number;
  seconds: number;
  samplesPerSec: number;
}

export interface StepContext {
  /** Optimizer steps counted from epoch 0 of this schedule: the step about to run (beforeStep) or just run (afterStep, 1-based). */
  step: number;
  /** The weights as the runner holds them now. */
  weights: WeightStore;
}

export interface LoopHooks {
  beforeStep?(ctx: StepContext): void;
  afterStep?(ctx: StepContext): void;
  /** Throttled by progressIntervalMs; always called for an epoch's last batch. */
  onBatchEnd?(p: LoopProgress): void | Promise<void>;
  /** After each epoch; the model holds the epoch's weights and optimizer state (checkpoint here). */
  onEpochEnd?(e: LoopEpoch): void | Promise<void>;
}

export interface LoopResult {
  epochs: LoopEpoch[];
  method: StepMethod;
}

export function checkLoopOptions(opts: LoopOptions): void {
  const { epochs, batchSize, initialEpoch = 0, seed } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > epochs) {
    throw new RangeError(`initialEpoch must be an integer from 0 to epochs (${epochs}), got ${initialEpoch}`);
  }
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
}

/** Trains `model` in place for epochs [initialEpoch, epochs) on `source`. */
export async function runEpochs(model: tf.LayersModel, source: BatchSource, opts: LoopOptions, hooks: LoopHooks = {}): Promise<LoopResult> {
  checkLoopOptions(opts);
  const count = source.count;
  if (count < 1) throw new RangeError('the training set is empty');
  const { batchSize, signal } = opts;
  const progressIntervalMs = opts.progressIntervalMs ?? 1000;
  const yieldEveryMs = opts.yieldEveryMs ?? 0;
  const batchesPerEpoch = Math.ceil(count / batchSize);
  const native = NativeOps.current();
  // Running sums: one TensorFlow op each on tfjs-node.
  const add = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => (native ? native.add(a, b) : tf.add(a, b));
  const runner = await createStepRunner(model, opts.runner);
  const result: LoopResult = { epochs: [], method: runner.method };
  let lastYield = performance.now();
  let lastProgress = performance.now();
  let synced = true;
  try {
    for (let epoch = opts.initialEpoch ?? 0; epoch < opts.epochs; epoch++) {
      synced = false;
      const logs = await runEpoch(epoch);
      // The model holds this epoch's weights and Adam state before anyone checkpoints it.
      await runner.syncModel();
      synced = true;
      result.epochs.push(logs);
      await hooks.onEpochEnd?.(logs);
    }
  } finally {
    try {
      if (!synced) await runner.syncModel();
    } finally {
      runner.dispose();
    }
  }
  return result;

  async function runEpoch(epoch: number): Promise<LoopEpoch> {
    const start = performance.now();
    const order = opts.shuffle === false ? identityOrder(count) : new Int32Array(epochPermutation(count, opts.seed, epoch).buffer);
    let lossSum: tf.Tensor = tf.scalar(0);
    let correctSum: tf.Tensor | undefined;
    let seen = 0;
    const means = async (): Promise<{ loss: number; accuracy?: number }> => {
      const [l, c] = await Promise.all([lossSum.data(), correctSum?.data()]);
      return { loss: l[0]! / seen, ...(c ? { accuracy: c[0]! / seen } : {}) };
    };
    try {
      for (let batch = 0; batch < batchesPerEpoch; batch++) {
        signal?.throwIfAborted();
        const step = epoch * batchesPerEpoch + batch;
        hooks.beforeStep?.({ step, weights: runner.weights });
        const indices = order.subarray(batch * batchSize, Math.min((batch + 1) * batchSize, count));
        const size = indices.length;
        const data = source.batch(indices);
        let out;
        try {
          out = runner.step(data, size);
        } finally {
          tf.dispose([data.x, data.y]);
        }
        const [oldLoss, oldCorrect] = [lossSum, correctSum];
        lossSum = add(oldLoss, out.lossSum);
        if (out.correct) correctSum = oldCorrect ? add(oldCorrect, out.correct) : tf.clone(out.correct);
        tf.dispose([oldLoss, out.lossSum, out.correct, out.correct && oldCorrect]);
        seen += size;
        hooks.afterStep?.({ step: step + 1, weights: runner.weights });

        const now = performance.now();
        if (hooks.onBatchEnd && (batch === batchesPerEpoch - 1 || now - lastProgress >= progressIntervalMs)) {
          await hooks.onBatchEnd({ epoch, batch, batchesPerEpoch, ...(await means()) });
          lastProgress = performance.now();
        }
        if (now - lastYield >= yieldEveryMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      const { loss, accuracy } = await means();
      const seconds = (performance.now() - start) / 1000;
      return { epoch, loss, ...(accuracy !== undefined ? { accuracy } : {}), samples: count, seconds, samplesPerSec: count / seconds };
    } finally {
      tf.dispose([lossSum, correctSum]);
    }
  }
}

function identityOrder(count: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

// Deterministic training loop. Each step is optimizer.minimize over the
// model's categorical cross-entropy (the loss createModel compiles), with
// shuffling from liteship's own seeded PRNG per epoch. Between batches the
// loop yields to the event loop (the Temporal worker heartbeats from the
// hooks), running loss/accuracy stay on the backend and are read only when
// progress is reported (throttled) and at the end of each epoch.
import * as tf from '@tensorflow/tfjs';
import { augmentBatch, type AugmentOptions } from './data/augment';
import { memorySource, type BatchSource } from './data/batch-source';
import type { ImageSet } from './data/image-set';
import { batchInputTensor, batchLabelTensor } from './data/tensors';
import { evaluateModel, yieldToEventLoop } from './evaluate';

export interface TrainOptions {
  /** Index one past the last epoch to run (Keras semantics: total epochs). */
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle (the weights are seeded by createModel). */
  seed: number;
  /** First epoch to run (0-based); set when resuming from a checkpoint. */
  initialEpoch?: number;
  /** Evaluated at the end of every epoch when given. */
  validation?: ImageSet | BatchSource;
  /** Seeded augmentation of every training batch (by seed, epoch and example index). */
  augment?: AugmentOptions;
  /** Minimum time between onBatchEnd calls (default 1000); 0 = every batch. */
  progressIntervalMs?: number;
  /** Aborts between batches; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface BatchProgress {
  epoch: number;
  /** 0-based index of the batch that just finished. */
  batch: number;
  batchesPerEpoch: number;
  /** Running mean over the epoch so far. */
  loss: number;
  accuracy: number;
}

export interface EpochResult {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  durationMs: number;
}

export interface TrainingHooks {
  /** Throttled by progressIntervalMs; always called for an epoch's last batch. */
  onBatchEnd?(p: BatchProgress): void | Promise<void>;
  /** Called after each epoch (the place to checkpoint). */
  onEpochEnd?(p: EpochResult): void | Promise<void>;
}

export interface TrainingHistory {
  initialEpoch: number;
  epochs: EpochResult[];
}

const DEFAULT_PROGRESS_INTERVAL_MS = 1000;

/** The loss became NaN or infinite: retrying the same recipe cannot help. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
}

function checkOptions(model: tf.LayersModel, train: Pick<BatchSource, 'count' | 'imageShape' | 'numClasses'>, opts: TrainOptions): void {
  const { epochs, batchSize, initialEpoch = 0 } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > epochs) {
    throw new RangeError(`initialEpoch must be an integer from 0 to epochs (${epochs}), got ${initialEpoch}`);
  }
  if (train.count < 1) throw new RangeError('the training set is empty');
  if (model.optimizer == null) throw new Error('the model is not compiled: create it with createModel or call compileModel');
  const inputShape = model.inputs[0]?.shape.slice(1).join('x');
  if (inputShape !== train.imageShape.join('x')) {
    throw new RangeError(`the model expects inputs of ${inputShape} but the images are ${train.imageShape.join('x')}`);
  }
  const classes = model.outputs[0]?.shape[1];
  if (classes !== train.numClasses) {
    throw new RangeError(`the model predicts ${classes} classes but the training set has ${train.numClasses}`);
  }
}

/** Trains `model` in place for epochs [initialEpoch, epochs). */
export async function trainModel(
  model: tf.LayersModel,
  data: ImageSet | BatchSource,
  opts: TrainOptions,
  hooks: TrainingHooks = {},
): Promise<TrainingHistory> {
  const train = 'batch' in data ? data : memorySource(data);
  checkOptions(model, train, opts);
  const initialEpoch = opts.initialEpoch ?? 0;
  const history: TrainingHistory = { initialEpoch, epochs: [] };
  for (let epoch = initialEpoch; epoch < opts.epochs; epoch++) {
    const started = Date.now();
    const { loss, accuracy } = await runEpoch(model, train, epoch, opts, hooks);
    if (!Number.isFinite(loss)) {
      const lr = (model.optimizer.getConfig() as { learningRate?: unknown }).learningRate;
      throw new TrainingDivergedError(
        `training diverged: the mean loss of epoch ${epoch} is ${loss} (learning rate ${String(lr)}). ` +
          'Lower the learning rate in the spec, or check the data for corrupt pixels.',
      );
    }
    const result: EpochResult = { epoch, loss, accuracy, durationMs: 0 };
    if (opts.validation) {
      const val = await evaluateModel(model, opts.validation);
      result.valLoss = val.loss;
      result.valAccuracy = val.accuracy;
    }
    result.durationMs = Date.now() - started;
    history.epochs.push(result);
    await hooks.onEpochEnd?.(result);
  }
  return history;
}

async function runEpoch(
  model: tf.LayersModel,
  train: BatchSource,
  epoch: number,
  opts: TrainOptions,
  hooks: TrainingHooks,
): Promise<{ loss: number; accuracy: number }> {
  const { batchSize, signal } = opts;
  const interval = opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  const optimizer = model.optimizer;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const order = train.epochOrder(opts.seed, epoch);
  const batches = Math.ceil(train.count / batchSize);
  // Sums over the epoch, kept on the backend: loss * n and correct predictions.
  let lossSum: tf.Scalar = tf.scalar(0);
  let correctSum: tf.Scalar = tf.scalar(0);
  let seen = 0;
  let lastReport = Date.now();
  const means = async (): Promise<{ loss: number; accuracy: number }> => {
    const [l, c] = await Promise.all([lossSum.data(), correctSum.data()]);
    return { loss: (l[0] ?? NaN) / seen, accuracy: (c[0] ?? NaN) / seen };
  };
  try {
    for (let batch = 0; batch < batches; batch++) {
      signal?.throwIfAborted();
      const indices = order.subarray(batch * batchSize, Math.min((batch + 1) * batchSize, train.count));
      const n = indices.length;
      const examples = await train.batch(indices);
      if (opts.augment) augmentBatch(examples, train.imageShape, indices, opts.augment, opts.seed, epoch);
      const x = batchInputTensor(examples, train.imageShape);
      const y = batchLabelTensor(examples, train.numClasses);
      let correct: tf.Tensor | undefined;
      let loss: tf.Scalar | null = null;
      try {
        loss = optimizer.minimize(
          () => {
            const probabilities = model.apply(x, { training: true }) as tf.Tensor;
            // tf.keep: survives minimize's tidy so the epoch accuracy needs no second forward pass.
            correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, -1), tf.argMax(y, -1)), 'float32')));
            return tf.mean(tf.metrics.categoricalCrossentropy(y, probabilities)) as tf.Scalar;
          },
          true,
          variables,
        );
        const [batchLoss, batchCorrect, oldLoss, oldCorrect] = [loss, correct, lossSum, correctSum];
        [lossSum, correctSum] = tf.tidy(() => [
          tf.add(oldLoss, tf.mul(batchLoss ?? tf.scalar(NaN), n)) as tf.Scalar,
          tf.add(oldCorrect, batchCorrect ?? tf.scalar(NaN)) as tf.Scalar,
        ]);
        tf.dispose([oldLoss, oldCorrect]);
      } finally {
        tf.dispose([x, y, loss ?? undefined, correct]);
      }
      seen += n;
      const last = batch === batches - 1;
      if (hooks.onBatchEnd && (last || Date.now() - lastReport >= interval)) {
        await hooks.onBatchEnd({ epoch, batch, batchesPerEpoch: batches, ...(await means()) });
        lastReport = Date.now();
      }
      await yieldToEventLoop();
    }
    return await means();
  } finally {
    tf.dispose([lossSum, correctSum]);
  }
}

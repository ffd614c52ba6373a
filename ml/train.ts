// Training a model on an image set: the epoch loop of ./loop/epoch-loop.ts with
// liteship's checks (shapes, classes), validation after each epoch and a clear
// error when the loss diverges. The step runs on the fastest path the backend
// allows (see ./loop/step-runners.ts); batches follow epochPermutation(seed, epoch).
import type * as tf from '@tensorflow/tfjs';
import { imageSetBatches } from './data/batches';
import type { ImageSet } from './data/image-set';
import { evaluateModel } from './evaluate';
import { runEpochs } from './loop/epoch-loop';
import type { RunnerOptions, StepMethod } from './loop/step-runners';

export interface TrainOptions {
  /** Index one past the last epoch to run (Keras semantics: total epochs). */
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle (the weights are seeded by createModel). */
  seed: number;
  /** First epoch to run (0-based); set when resuming from a checkpoint. */
  initialEpoch?: number;
  /** Evaluated at the end of every epoch when given. */
  validation?: ImageSet;
  /** Minimum time between onBatchEnd calls (default 1000); 0 = every batch. */
  progressIntervalMs?: number;
  /** Aborts between batches; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Which step runners may be used (default: the fastest available). */
  runner?: RunnerOptions;
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
  /** Called after each epoch (the place to checkpoint: the model holds the weights and Adam state). */
  onEpochEnd?(p: EpochResult): void | Promise<void>;
}

export interface TrainingHistory {
  initialEpoch: number;
  epochs: EpochResult[];
  /** The step runner that trained (e.g. 'native-dense' for an MLP on tfjs-node). */
  method: StepMethod;
}

/** The loss became NaN or infinite: retrying the same recipe cannot help. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
}

function checkModelAndData(model: tf.LayersModel, train: ImageSet): void {
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
export async function trainModel(model: tf.LayersModel, train: ImageSet, opts: TrainOptions, hooks: TrainingHooks = {}): Promise<TrainingHistory> {
  checkModelAndData(model, train);
  const initialEpoch = opts.initialEpoch ?? 0;
  const epochs: EpochResult[] = [];
  const result = await runEpochs(
    model,
    imageSetBatches(train),
    {
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      seed: opts.seed,
      initialEpoch,
      ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.runner ? { runner: opts.runner } : {}),
    },
    {
      ...(hooks.onBatchEnd ? { onBatchEnd: (p) => hooks.onBatchEnd!({ ...p, accuracy: p.accuracy ?? NaN }) } : {}),
      onEpochEnd: async (e) => {
        if (!Number.isFinite(e.loss)) {
          const lr = (model.optimizer.getConfig() as { learningRate?: unknown }).learningRate;
          throw new TrainingDivergedError(
            `training diverged: the mean loss of epoch ${e.epoch} is ${e.loss} (learning rate ${String(lr)}). ` +
              'Lower the learning rate in the spec, or check the data for corrupt pixels.',
          );
        }
        const epoch: EpochResult = { epoch: e.epoch, loss: e.loss, accuracy: e.accuracy ?? NaN, durationMs: 0 };
        const validationStarted = performance.now();
        if (opts.validation) {
          const val = await evaluateModel(model, opts.validation);
          epoch.valLoss = val.loss;
          epoch.valAccuracy = val.accuracy;
        }
        epoch.durationMs = Math.round(e.seconds * 1000 + performance.now() - validationStarted);
        epochs.push(epoch);
        await hooks.onEpochEnd?.(epoch);
      },
    },
  );
  return { initialEpoch, epochs, method: result.method };
}

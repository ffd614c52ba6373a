// The losses the step runners train with, read from how the model was compiled.
import * as tf from '@tensorflow/tfjs';

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export interface LossFns {
  loss: LossFn;
  /** Correctly classified samples of a batch. */
  correct: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
}

const LOSSES: Record<string, LossFns> = {
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

export interface CompiledTraining {
  optimizer: tf.Optimizer;
  lossName: string;
  lossFns: LossFns;
  wantsAccuracy: boolean;
}

/** The optimizer, loss and metrics `model.compile` was given; throws when the loop cannot train it. */
export function compiledTraining(model: tf.LayersModel): CompiledTraining {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (!optimizer) throw new Error('the model is not compiled: create it with createModel or call compileModel (optimizer, loss, metrics) first');
  const loss = Array.isArray(model.loss) ? model.loss[0] : model.loss;
  const lossFns = typeof loss === 'string' ? LOSSES[loss] : undefined;
  if (!lossFns) {
    throw new Error(
      `unsupported loss ${typeof loss === 'string' ? JSON.stringify(loss) : 'function'}; compile the model with one of ${Object.keys(LOSSES).join(', ')}`,
    );
  }
  if (model.outputs.length !== 1) throw new Error(`the model must have one output, it has ${model.outputs.length}`);
  const metrics = (model as unknown as { metrics?: unknown }).metrics;
  const names = Array.isArray(metrics) ? metrics : [];
  const wantsAccuracy = names.some((m) => m === 'accuracy' || m === 'acc');
  return { optimizer, lossName: loss as string, lossFns, wantsAccuracy };
}

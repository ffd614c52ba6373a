// The epoch loop on tfjs-node without the compiled step (its tests: compiled-step.test.ts):
// the hand-written dense-stack step (ml/native-dense.ts)
// and the tape step with TensorFlow's ResourceApplyAdam (ml/native-ops.ts) train
// to the weights model.fit reaches, fall back where they do not apply, keep the
// model's variables current, and leak nothing. Skipped when the native addon is
// not built (`bash scripts/setup-tfjs-node.sh`).
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../../ml/backend';
import { brightThirds, maxDifference, smallCnn, weightsOf } from './loop-fixtures';
import { tensorBatches } from '../../../ml/data/batches';
import { runEpochs } from '../../../ml/loop/epoch-loop';
import type { LoopOptions } from '../../../ml/loop/epoch-loop';
import { planDenseStack } from '../../../ml/native-dense';

jest.setTimeout(120_000);

/** Adam's learning rate in these models (mlp() here, smallCnn() in loop-fixtures). */
const LEARNING_RATE = 0.01;
/**
 * How far the loop's weights may sit from model.fit's after the same 2 epochs (12 Adam steps).
 * The two paths sum the same products in a different order (fused TF kernels vs tfjs' tape, and
 * oneDNN picks AVX-512 or AVX2 blocking per CPU), so gradients differ by float32 rounding. Adam's
 * step lr * m / (sqrt(v) + eps) is scale-free in the gradient: for a component that is a near-
 * cancelling sum over the batch, a rounding-sized change moves that weight's step by a visible
 * part of lr. So the bound is a fraction of ONE step, not of float32 epsilon: 1% of lr (1e-4),
 * about 10x what was seen (1.1e-5 with AVX-512, 4.2e-6 with ONEDNN_MAX_CPU_ISA=AVX2, the same with
 * TF_ENABLE_ONEDNN_OPTS=0) and 100x below how far training moves the weights (> 1e-2, asserted).
 */
const SAME_TRAINING = LEARNING_RATE / 100;

const addonBuilt = (() => {
  const libDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-node/package.json')), 'lib');
  return fs.existsSync(libDir) && fs.readdirSync(libDir).some((d) => fs.existsSync(path.join(libDir, d, 'tfjs_binding.node')));
})();
const describeNative = addonBuilt ? describe : describe.skip;

interface MlpOptions {
  loss?: string;
  flatten?: boolean;
  hidden?: 'relu' | 'linear';
  useBias?: boolean;
  extra?: tf.layers.Layer;
}

/** Flatten, Dense 16, [Dense 8,] Dense 3 softmax, with fixed initial weights, compiled like liteship's models. */
function mlp({ loss = 'categoricalCrossentropy', flatten = true, hidden = 'relu', useBias = true, extra }: MlpOptions = {}): tf.Sequential {
  const init = (seed: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed });
  const layers: tf.layers.Layer[] = [
    ...(flatten ? [tf.layers.flatten({ inputShape: [8, 8, 1] })] : []),
    tf.layers.dense({ ...(flatten ? {} : { inputShape: [64] }), units: 16, activation: 'relu', useBias, kernelInitializer: init(1) }),
    tf.layers.dense({ units: 8, activation: hidden, kernelInitializer: init(2) }),
    ...(extra ? [extra] : []),
    tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
  ];
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(0.01), loss, metrics: ['accuracy'] });
  return model;
}

const fit = (model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, opts: LoopOptions) =>
  runEpochs(model, tensorBatches(xs, ys), { ...opts, runner: { compiled: false, ...opts.runner } });

describeNative('the epoch loop on tfjs-node', () => {
  beforeAll(async () => {
    await initTrainingBackend('tensorflow');
  });

  test('the dense-stack step trains an MLP to the weights and logs of model.fit', async () => {
    const { xs, ys, labels } = brightThirds(96);
    const reference = mlp();
    const history = await reference.fit(xs, ys, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const model = mlp();
    const result = await fit(model, xs, ys, { epochs: 2, batchSize: 16, seed: 1, shuffle: false });
    expect(result.method).toBe('native-dense');
    expect(maxDifference(weightsOf(reference), weightsOf(mlp()))).toBeGreaterThan(1e-2);
    expect(maxDifference(weightsOf(model), weightsOf(reference))).toBeLessThan(SAME_TRAINING);
    result.epochs.forEach((e, i) => {
      expect(e.loss).toBeCloseTo(history.history.loss![i] as number, 4);
      expect(e.accuracy).toBeCloseTo(history.history.acc![i] as number, 6);
    });
    tf.dispose([xs, ys, labels]);
  });

  test('sparse labels, 2-D inputs without Flatten, no bias, linear hidden layers and a partial last batch', async () => {
    const { xs, ys, labels } = brightThirds(90);
    const floatLabels = labels.cast('float32'); // model.fit wants float class indices
    const cases: Array<[MlpOptions, tf.Tensor, tf.Tensor]> = [
      [{ loss: 'sparseCategoricalCrossentropy' }, xs, floatLabels],
      [{ flatten: false }, xs.reshape([90, 64]), ys],
      [{ useBias: false, hidden: 'linear' }, xs, ys],
    ];
    for (const [options, x, y] of cases) {
      const reference = mlp(options);
      await reference.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
      const model = mlp(options);
      const result = await fit(model, x, y, { epochs: 2, batchSize: 16, seed: 1, shuffle: false });
      expect(result.method).toBe('native-dense');
      expect(maxDifference(weightsOf(model), weightsOf(reference))).toBeLessThan(SAME_TRAINING);
    }
    tf.dispose([xs, ys, labels, floatLabels, cases[1]![1]]);
  });

  test('the tape step with TensorFlow Adam trains other models like model.fit', async () => {
    const { xs, ys, labels } = brightThirds(96);
    const reference = smallCnn();
    await reference.fit(xs, ys, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const model = smallCnn();
    const result = await fit(model, xs, ys, { epochs: 2, batchSize: 16, seed: 1, shuffle: false });
    expect(result.method).toBe('tape+native-adam');
    expect(maxDifference(weightsOf(model), weightsOf(reference))).toBeLessThan(SAME_TRAINING);
    const plain = smallCnn();
    expect((await fit(plain, xs, ys, { epochs: 2, batchSize: 16, seed: 1, shuffle: false, runner: { fusedAdam: false } })).method).toBe('tape+optimizer');
    expect(maxDifference(weightsOf(plain), weightsOf(reference))).toBeLessThan(SAME_TRAINING);
    tf.dispose([xs, ys, labels]);
  });

  test('planDenseStack accepts only what its step computes', () => {
    const { xs, ys, labels } = brightThirds(4);
    expect(typeof planDenseStack(mlp())).toBe('object');
    expect(planDenseStack(smallCnn())).toMatch(/is a Conv2D/);
    expect(planDenseStack(mlp({ extra: tf.layers.dropout({ rate: 0.5 }) }))).toMatch(/is a Dropout/);
    const regularized = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [64], units: 3, activation: 'softmax', kernelRegularizer: tf.regularizers.l2() })],
    });
    expect(planDenseStack(regularized)).toMatch(/regularizer/);
    const sigmoid = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 3, activation: 'sigmoid' })] });
    expect(planDenseStack(sigmoid)).toMatch(/activation sigmoid/);
    const unflattened = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8, 8], units: 3, activation: 'softmax' })] });
    expect(planDenseStack(unflattened)).toMatch(/rank 3 without a leading Flatten/);
    const frozen = mlp();
    frozen.layers[1]!.trainable = false;
    expect(planDenseStack(frozen)).toMatch(/non-trainable/);
    tf.dispose([xs, ys, labels]);
  });

  test('the model holds the trained weights in onEpochEnd and after an abort; nothing leaks', async () => {
    const { xs, ys, labels } = brightThirds(96);
    const model = mlp();
    await fit(model, xs, ys, { epochs: 1, batchSize: 16, seed: 1 }); // first call creates the backend's constants and Adam's state
    const tensors = tf.memory().numTensors;

    const seenInEpochEnd: Float32Array[][] = [];
    await runEpochs(model, tensorBatches(xs, ys), { epochs: 2, batchSize: 16, seed: 2, runner: { compiled: false } }, { onEpochEnd: () => void seenInEpochEnd.push(weightsOf(model)) });
    expect(maxDifference(seenInEpochEnd[1]!, weightsOf(model))).toBe(0);
    expect(maxDifference(seenInEpochEnd[0]!, seenInEpochEnd[1]!)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(tensors);

    const before = weightsOf(model);
    const controller = new AbortController();
    const run = runEpochs(
      model,
      tensorBatches(xs, ys),
      { epochs: 2, batchSize: 16, seed: 3, progressIntervalMs: 0, signal: controller.signal, runner: { compiled: false } },
      { onBatchEnd: ({ batch }) => void (batch === 2 && controller.abort(new Error('stop'))) },
    );
    await expect(run).rejects.toThrow('stop');
    expect(maxDifference(weightsOf(model), before)).toBeGreaterThan(0); // three batches trained, and written back
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([xs, ys, labels]);
  });
});

// The epoch loop on the wasm backend: same results as model.fit, flat memory across
// epochs, throttled progress, event-loop yields, cancellation and clear errors.
// Tolerance of FlatAdam against model.fit: 1% of one Adam step (lr 0.01), as
// SAME_TRAINING in test/unit/ml/native-loop.test.ts explains; the model's own
// optimizer runs model.fit's very ops, so it gets float32-rounding room only.
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../../ml/backend';
import { brightThirds, maxDifference, smallCnn, weightsOf } from './loop-fixtures';
import { tensorBatches } from '../../../ml/data/batches';
import { runEpochs } from '../../../ml/loop/epoch-loop';
import type { LoopHooks, LoopOptions } from '../../../ml/loop/epoch-loop';

const fit = (model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, opts: LoopOptions, hooks?: LoopHooks) => runEpochs(model, tensorBatches(xs, ys), opts, hooks);

jest.setTimeout(120_000);

beforeAll(async () => {
  await initTrainingBackend('wasm');
});

test('trains to the same weights as model.fit (same batches, fused Adam and the model optimizer)', async () => {
  const { xs, ys, labels } = brightThirds(96);
  const reference = smallCnn();
  await reference.fit(xs, ys, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
  const fused = smallCnn();
  expect((await fit(fused, xs, ys, { epochs: 2, batchSize: 16, seed: 1, shuffle: false })).method).toBe('tape+flat-adam');
  const plain = smallCnn();
  await fit(plain, xs, ys, { epochs: 2, batchSize: 16, seed: 1, shuffle: false, runner: { fusedAdam: false } });

  const moved = maxDifference(weightsOf(reference), weightsOf(smallCnn()));
  expect(moved).toBeGreaterThan(1e-2); // training changed the weights, so agreement means something
  expect(maxDifference(weightsOf(plain), weightsOf(reference))).toBeLessThan(1e-5);
  expect(maxDifference(weightsOf(fused), weightsOf(reference))).toBeLessThan(0.01 / 100);
  tf.dispose([xs, ys, labels]);
});

test('learns, reports epoch loss and accuracy, and keeps memory flat across epochs', async () => {
  const { xs, ys, labels } = brightThirds(120);
  const model = smallCnn();
  const tensorsAfterEpoch: number[] = [];
  const bytesAfterEpoch: number[] = [];
  const result = await fit(model, xs, ys, { epochs: 6, batchSize: 32, seed: 3 }, {
    onEpochEnd: () => {
      tensorsAfterEpoch.push(tf.memory().numTensors);
      bytesAfterEpoch.push(tf.memory().numBytes);
    },
  });
  expect(result.epochs).toHaveLength(6);
  const first = result.epochs[0]!;
  const last = result.epochs[5]!;
  expect(last.loss).toBeLessThan(first.loss * 0.8);
  expect(last.accuracy).toBeGreaterThan(0.9);
  expect(last.samples).toBe(120);
  expect(last.samplesPerSec).toBeCloseTo(120 / last.seconds, 6);
  expect(new Set(tensorsAfterEpoch.slice(1)).size).toBe(1);
  expect(new Set(bytesAfterEpoch.slice(1)).size).toBe(1);
  tf.dispose([xs, ys, labels]);
});

test('sparse labels train like one-hot labels', async () => {
  const { xs, ys, labels } = brightThirds(48);
  const oneHot = smallCnn();
  const sparse = smallCnn('sparseCategoricalCrossentropy');
  const a = await fit(oneHot, xs, ys, { epochs: 1, batchSize: 16, seed: 5 });
  const b = await fit(sparse, xs, labels, { epochs: 1, batchSize: 16, seed: 5 });
  expect(b.epochs[0]!.loss).toBeCloseTo(a.epochs[0]!.loss, 5);
  expect(b.epochs[0]!.accuracy).toBeCloseTo(a.epochs[0]!.accuracy!, 6);
  tf.dispose([xs, ys, labels]);
});

test('onBatchEnd is throttled: every batch at 0 ms, only the last batch of each epoch at Infinity', async () => {
  const { xs, ys, labels } = brightThirds(64);
  const every: number[] = [];
  await fit(smallCnn(), xs, ys, { epochs: 1, batchSize: 16, seed: 1, progressIntervalMs: 0 }, { onBatchEnd: (p) => void every.push(p.batch) });
  const throttled: Array<[number, number]> = [];
  await fit(smallCnn(), xs, ys, { epochs: 2, batchSize: 16, seed: 1, progressIntervalMs: Infinity }, { onBatchEnd: (p) => void throttled.push([p.epoch, p.batch]) });
  expect(every).toEqual([0, 1, 2, 3]);
  expect(throttled).toEqual([[0, 3], [1, 3]]);
  tf.dispose([xs, ys, labels]);
});

test('yields to the event loop between batches and stops when its signal aborts', async () => {
  const { xs, ys, labels } = brightThirds(64);
  let timerFired = false;
  setTimeout(() => (timerFired = true), 0);
  const controller = new AbortController();
  const seen: number[] = [];
  const run = fit(smallCnn(), xs, ys, { epochs: 3, batchSize: 16, seed: 1, progressIntervalMs: 0, signal: controller.signal }, {
    onBatchEnd: ({ batch }) => {
      seen.push(batch);
      if (seen.length === 2) {
        expect(timerFired).toBe(true); // the loop let a timer run while training
        controller.abort(new Error('cancelled by test'));
      }
    },
  });
  await expect(run).rejects.toThrow('cancelled by test');
  expect(seen).toEqual([0, 1]);
  tf.dispose([xs, ys, labels]);
});

test('rejects what it cannot train, saying what to do', async () => {
  const { xs, ys, labels } = brightThirds(8);
  const uncompiled = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [8, 8, 1] }), tf.layers.dense({ units: 3 })] });
  await expect(fit(uncompiled, xs, ys, { epochs: 1, batchSize: 4, seed: 1 })).rejects.toThrow('call compileModel');
  const mse = smallCnn('meanSquaredError');
  await expect(fit(mse, xs, ys, { epochs: 1, batchSize: 4, seed: 1 })).rejects.toThrow(
    'unsupported loss "meanSquaredError"; compile the model with one of categoricalCrossentropy, sparseCategoricalCrossentropy',
  );
  expect(() => tensorBatches(xs, ys.slice(0, 4))).toThrow('xs has 8 samples but ys has 4');
  await expect(fit(smallCnn(), xs, ys, { epochs: 1, batchSize: 0, seed: 1 })).rejects.toThrow('batchSize must be a positive integer, got 0');
  tf.dispose([xs, ys, labels]);
});

import * as tf from '@tensorflow/tfjs';
import {
  blockMagnitudeMask,
  isMaskUpdateStep,
  magnitudeMask,
  polynomialDecaySparsity,
  pruneDuringFineTuning,
  prunableWeights,
  sparsityReport,
} from '../../../ml/prune';
import { deserializeModel, serializeModel } from '../../../ml/model-io';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('polynomialDecaySparsity', () => {
  const s = { initialSparsity: 0, finalSparsity: 0.75, beginStep: 0, endStep: 100 };
  it.each<[number, number]>([
    [0, 0],
    [25, 0.43359375], // 0.75 - 0.75 * 0.75^3
    [50, 0.65625], // 0.75 - 0.75 * 0.5^3
    [100, 0.75],
    [150, 0.75], // p is clamped to 1 after endStep
    [-10, 0], // and to 0 before beginStep
  ])('step %d -> %d', (step, expected) => {
    expect(polynomialDecaySparsity(step, s)).toBeCloseTo(expected, 12);
  });

  it('uses initialSparsity and beginStep', () => {
    const t = { initialSparsity: 0.5, finalSparsity: 0.8, beginStep: 10, endStep: 30 };
    expect(polynomialDecaySparsity(5, t)).toBeCloseTo(0.5, 12);
    expect(polynomialDecaySparsity(20, t)).toBeCloseTo(0.7625, 12); // 0.8 - 0.3 * 0.5^3
    expect(polynomialDecaySparsity(30, t)).toBeCloseTo(0.8, 12);
  });

  it('prunes in one shot when beginStep = endStep', () => {
    const t = { initialSparsity: 0, finalSparsity: 0.6, beginStep: 7, endStep: 7 };
    expect(polynomialDecaySparsity(6, t)).toBe(0);
    expect(polynomialDecaySparsity(7, t)).toBeCloseTo(0.6, 12);
  });

  it('updates masks at begin, every frequency steps, and at end', () => {
    const t = { initialSparsity: 0, finalSparsity: 0.5, beginStep: 2, endStep: 9 };
    const steps = Array.from({ length: 12 }, (_, i) => i).filter((i) => isMaskUpdateStep(i, t, 3));
    expect(steps).toEqual([2, 5, 8, 9]);
  });
});

describe('magnitudeMask', () => {
  it('keeps the round(n * (1 - s)) largest magnitudes, ties broken by index', () => {
    expect(Array.from(magnitudeMask([0.1, -5, 3, -0.2, 0.05, 4, 1, -2], 0.75))).toEqual([0, 1, 0, 0, 0, 1, 0, 0]);
    // Four equal magnitudes, keep 2: the first two by index.
    expect(Array.from(magnitudeMask([1, -1, 1, -1], 0.5))).toEqual([1, 1, 0, 0]);
    expect(Array.from(magnitudeMask([1, 2, 3], 0))).toEqual([1, 1, 1]);
    // 10 * 0.25 = 2.5 kept rounds to 3 (Math.round): sparsity 0.7 is "the target within rounding".
    expect(Array.from(magnitudeMask([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.75)).reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('blockMagnitudeMask', () => {
  it('keeps or prunes whole blocks of consecutive input units per output, by mean |w|', () => {
    // kernel [4 in, 2 out], blocks of 2 inputs: out0 blocks (in 0-1: 0.1, 0.2 -> 0.15) (in 2-3: 3, -1 -> 2);
    // out1 blocks (in 0-1: -5, 5 -> 5) (in 2-3: 0.3, 0.1 -> 0.2). Keep half: out0/in2-3 and out1/in0-1.
    const kernel = [0.1, -5, 0.2, 5, 3, 0.3, -1, 0.1];
    expect(Array.from(blockMagnitudeMask(kernel, 4, 2, 2, 0.5))).toEqual([0, 1, 0, 1, 1, 0, 1, 0]);
    expect(() => blockMagnitudeMask(kernel, 4, 2, 3, 0.5)).toThrow(/4 input units are not a multiple of blockSize 3/);
  });
});

/** Two gaussian blobs in 6-D, linearly separable by the sign of x0 + x1. */
function separable(n: number, seed: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const xs = tf.randomNormal([n, 6], 0, 1, 'float32', seed) as tf.Tensor2D;
    const label = tf.cast(tf.greater(tf.add(xs.slice([0, 0], [n, 1]), xs.slice([0, 1], [n, 1])), 0), 'int32').reshape([n]);
    return { xs, ys: tf.oneHot(label as tf.Tensor1D, 2).toFloat() as tf.Tensor2D };
  });
}

function tinyModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [6], units: 32, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function accuracy(model: tf.LayersModel, data: { xs: tf.Tensor; ys: tf.Tensor }): number {
  return tf.tidy(() => {
    const pred = (model.predict(data.xs) as tf.Tensor).argMax(-1);
    return tf.mean(tf.cast(tf.equal(pred, data.ys.argMax(-1)), 'float32')).dataSync()[0] as number;
  });
}

const zeroIndices = (model: tf.LayersModel, layer: string): number[] => {
  const v = model.getLayer(layer).getWeights()[0]?.dataSync() ?? new Float32Array();
  return Array.from(v).flatMap((x, i) => (x === 0 ? [i] : []));
};

describe('pruneDuringFineTuning', () => {
  jest.setTimeout(60_000);
  let train: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  let test: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    train = separable(256, 11);
    test = separable(256, 12);
  });

  it('reaches the target per kernel, keeps pruned weights at zero after pruning ends, and keeps accuracy', async () => {
    const model = tinyModel();
    await model.fit(train.xs, train.ys, { epochs: 10, batchSize: 32, shuffle: false, verbose: 0 });
    const before = accuracy(model, test);
    expect(before).toBeGreaterThan(0.93); // the baseline really learned the task

    const bias0 = Array.from(model.getLayer('hidden').getWeights()[1]?.dataSync() ?? []);
    const sparsityAfterStep: Array<{ step: number; hidden: number; scheduled: number }> = [];
    let zerosAtEnd: number[] = [];
    // 8 steps per epoch, 6 epochs = 48 steps; pruning ends at step 24, then 23 more steps of fine-tuning with masks on.
    const result = await pruneDuringFineTuning(
      model,
      train,
      { targetSparsity: 0.75, epochs: 6, batchSize: 32, endStep: 24, frequency: 4, seed: 5 },
      {
        onStep: ({ step, sparsity, kernel }) => {
          // The kernel as the step runner holds it (it may live outside the model during training).
          const hidden = kernel('hidden');
          sparsityAfterStep.push({ step, hidden: hidden.filter((w) => w === 0).length / hidden.length, scheduled: sparsity });
          // The step-24 mask update runs before the 25th optimizer step.
          if (step === 25) zerosAtEnd = Array.from(hidden).flatMap((x, i) => (x === 0 ? [i] : []));
        },
      },
    );

    expect(result.steps).toBe(48);
    expect(result.sparsity).toBeCloseTo(0.75, 12);
    // Per kernel: hidden 6*32 = 192 weights -> 144 zeros; out 32*2 = 64 -> 48 zeros.
    expect(result.report.map((r) => [r.layer, r.weight, r.size, r.zeros])).toEqual([
      ['hidden', 'kernel', 192, 144],
      ['out', 'kernel', 64, 48],
    ]);
    // After every optimizer step the applied mask still holds (Adam would otherwise move zeros).
    for (const s of sparsityAfterStep) expect(s.hidden).toBeGreaterThanOrEqual(Math.round(192 * s.scheduled) / 192 - 1e-12);
    // The schedule really ramped up rather than jumping.
    expect(sparsityAfterStep.find((s) => s.step === 1)?.scheduled).toBe(0);
    // After step 13 the masks in force are those of the update at step 12 (p = 12/24).
    expect(sparsityAfterStep.find((s) => s.step === 13)?.scheduled).toBeCloseTo(0.75 - 0.75 * 0.5 ** 3, 12);
    expect(sparsityAfterStep.find((s) => s.step === 13)?.hidden).toBeCloseTo(Math.round(192 * 0.65625) / 192, 12);
    // Weights zeroed by the last mask update are still exactly zero after 23 more training steps.
    expect(zerosAtEnd).toHaveLength(144);
    // Every pruned weight is +0, never -0: one bit pattern compresses best.
    const hiddenKernel = Array.from(model.getLayer('hidden').getWeights()[0]?.dataSync() ?? []);
    expect(hiddenKernel.filter((w) => Object.is(w, -0))).toHaveLength(0);
    expect(zeroIndices(model, 'hidden')).toEqual(zerosAtEnd);
    // Biases are not pruned, and they kept training.
    const bias1 = Array.from(model.getLayer('hidden').getWeights()[1]?.dataSync() ?? []);
    expect(bias1.filter((b) => b === 0)).toHaveLength(0);
    expect(bias1).not.toEqual(bias0);
    // Still a plain tfjs model (no wrapper layers), and still accurate.
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense']);
    expect(accuracy(model, test)).toBeGreaterThan(before - 0.05);
  });

  it('prunes only the listed layers and reaches the target at the last step by default', async () => {
    const model = tinyModel();
    const result = await pruneDuringFineTuning(model, train, { targetSparsity: 0.5, epochs: 1, batchSize: 64, frequency: 100, seed: 1, layers: ['hidden'] });
    expect(result.steps).toBe(4);
    expect(result.report.map((r) => [r.layer, r.zeros])).toEqual([['hidden', 96]]);
    expect(sparsityReport(model).find((r) => r.layer === 'out')?.zeros).toBe(0);
  });

  it('block pruning (1x16, what the int8 sparse FC kernel takes) zeroes whole blocks to the target', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [32], units: 8, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) }));
    model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xs = tf.randomNormal([64, 32], 0, 1, 'float32', 21);
    const ys = tf.oneHot(tf.cast(tf.greater(xs.slice([0, 0], [64, 1]).reshape([64]), 0), 'int32') as tf.Tensor1D, 2).toFloat();
    const r = await pruneDuringFineTuning(model, { xs, ys }, { targetSparsity: 0.75, epochs: 2, batchSize: 16, frequency: 2, seed: 3, layers: ['hidden'], blockSize: 16 });
    expect(r.report).toEqual([expect.objectContaining({ layer: 'hidden', size: 256, zeros: 192 })]);
    // 2 blocks per output unit x 8 outputs = 16 blocks; 12 are entirely zero, the 4 kept have no zero.
    const k = model.getLayer('hidden').getWeights()[0]?.dataSync() ?? new Float32Array();
    const blockZeros: number[] = [];
    for (let o = 0; o < 8; o++) for (let b = 0; b < 2; b++) {
      let z = 0;
      for (let i = 0; i < 16; i++) if (k[(b * 16 + i) * 8 + o] === 0) z++;
      blockZeros.push(z);
    }
    expect(blockZeros.filter((z) => z === 16)).toHaveLength(12);
    expect(blockZeros.filter((z) => z === 0)).toHaveLength(4);
    await expect(pruneDuringFineTuning(model, { xs, ys }, { targetSparsity: 0.5, epochs: 1, batchSize: 16, seed: 1, blockSize: 5 })).rejects.toThrow(
      /layer 'hidden' has 32 input units, not a multiple of blockSize 5/,
    );
    tf.dispose([xs, ys]);
  });

  it('resumes from an epoch checkpoint to the same weights as the uninterrupted run', async () => {
    const options = { targetSparsity: 0.75, epochs: 3, batchSize: 32, frequency: 5, seed: 4 };
    const whole = tinyModel();
    await pruneDuringFineTuning(whole, train, options);

    // Stop after epoch 1 (mid-schedule: the masks of step 15 are in force), save with the optimizer, resume.
    const interrupted = tinyModel();
    const stop = new AbortController();
    await expect(
      pruneDuringFineTuning(interrupted, train, { ...options, signal: stop.signal }, { onEpochEnd: ({ epoch }) => (epoch === 0 ? stop.abort(new Error('crash')) : undefined) }),
    ).rejects.toThrow('crash');
    const resumed = await deserializeModel(await serializeModel(interrupted, { includeOptimizer: true }));
    const steps: number[] = [];
    const result = await pruneDuringFineTuning(resumed, train, { ...options, initialEpoch: 1 }, { onStep: ({ step }) => void steps.push(step) });

    expect(steps[0]).toBe(9); // 8 steps per epoch: the resumed run starts at step 9
    expect(result.steps).toBe(24);
    const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weightsOf(resumed)).toEqual(weightsOf(whole));
    expect(result.report.map((r) => r.zeros)).toEqual([144, 48]);
    tf.dispose([whole, interrupted, resumed].flatMap((m) => m.getWeights()));
  });

  it('does not leak tensors', async () => {
    const model = tinyModel();
    await pruneDuringFineTuning(model, train, { targetSparsity: 0.5, epochs: 1, batchSize: 128, frequency: 1, seed: 1 }); // warm-up: optimizer slots
    const before = tf.memory().numTensors;
    await pruneDuringFineTuning(model, train, { targetSparsity: 0.6, epochs: 1, batchSize: 128, frequency: 1, seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('explains bad options', async () => {
    const model = tinyModel();
    const base = { targetSparsity: 0.5, epochs: 1, batchSize: 64, seed: 1 };
    await expect(pruneDuringFineTuning(model, train, { ...base, targetSparsity: 1 })).rejects.toThrow(/targetSparsity must be in \[0, 1\)/);
    await expect(pruneDuringFineTuning(model, train, { ...base, initialSparsity: 0.6 })).rejects.toThrow(/initialSparsity must be in \[0, targetSparsity=0.5\]/);
    await expect(pruneDuringFineTuning(model, train, { ...base, endStep: 5 })).rejects.toThrow(/endStep 5 is after the last of the 4 training steps/);
    await expect(pruneDuringFineTuning(model, train, { ...base, frequency: 0 })).rejects.toThrow(/frequency must be a positive integer/);
    await expect(pruneDuringFineTuning(model, train, { ...base, initialEpoch: 2 })).rejects.toThrow(/initialEpoch must be an integer in \[0, epochs=1\], got 2/);
    await expect(pruneDuringFineTuning(model, { xs: train.xs, ys: test.ys.slice(0, 10) }, base)).rejects.toThrow(/same, non-zero number of examples/);
    expect(() => prunableWeights(model, ['nope'])).toThrow(/no layer named nope.*hidden, out/);
    const uncompiled = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 2 })] });
    await expect(pruneDuringFineTuning(uncompiled, train, base)).rejects.toThrow(/not compiled/);
  });
});

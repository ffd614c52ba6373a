/** @jest-environment ./test/support/native-realm-environment.js */
// The compiled training step (ml/compiled: one TensorFlow graph per step, run through
// liteship's graph addon) trains like the tape step and model.fit, repeats itself bit
// for bit, and falls back per model, saying why once, when a layer kind is not in its
// table or the addon is missing. Skipped when tfjs-node or the graph addon is not built
// (`bash scripts/setup.sh`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../../ml/backend';
import { loadGraphAddon } from '../../../ml/compiled/addon';
import { planCompiledStep } from '../../../ml/compiled/plan';
import { tensorBatches } from '../../../ml/data/batches';
import { runEpochs, type LoopOptions } from '../../../ml/loop/epoch-loop';
import { deserializeModel, serializeModel } from '../../../ml/model-io';
import { brightThirds, maxDifference, smallCnn, weightsOf } from './loop-fixtures';

jest.setTimeout(120_000);

const LEARNING_RATE = 0.01;
/**
 * How far the compiled step's weights may sit from the tape step's (or model.fit's) after
 * the same 2 epochs (12 Adam steps): the same bound and reasoning as native-loop.test.ts.
 * The graph sums the same products in another order (Grappler fuses Conv2D + BiasAdd +
 * Relu, oneDNN picks AVX-512 or AVX2 blocking per CPU), so gradients differ by float32
 * rounding; Adam's step is scale-free in the gradient, so for a near-cancelling component a
 * rounding-sized change moves that weight by a visible part of lr. The bound is 1% of one
 * step (1e-4). Seen on an AVX-512 machine, default / ONEDNN_MAX_CPU_ISA=AVX2 /
 * TF_ENABLE_ONEDNN_OPTS=0: against model.fit at most 8.6e-7 (all three), against the tape
 * step 0 (MLP), 4.5e-8 / 8.2e-8 / 3.0e-8 (CNN), 1.2e-7 / 1.2e-7 / 1.9e-7 (BatchNormalization
 * net), 7.8e-8 / 1.2e-7 / 1.2e-7 (mixedNet): over 100x margin, and 100x below how far training moves the weights (> 1e-2, asserted).
 */
const SAME_TRAINING = LEARNING_RATE / 100;

const tfjsNodeBuilt = (() => {
  const libDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-node/package.json')), 'lib');
  return fs.existsSync(libDir) && fs.readdirSync(libDir).some((d) => fs.existsSync(path.join(libDir, d, 'tfjs_binding.node')));
})();
const describeCompiled = tfjsNodeBuilt && loadGraphAddon().addon ? describe : describe.skip;

const init = (seed: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed });

function mlp(loss = 'categoricalCrossentropy', extra: tf.layers.Layer[] = []): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 1] }),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(1) }),
      ...extra,
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss, metrics: ['accuracy'] });
  return model;
}

/** MobileNet's pieces: conv + BatchNormalization + ReLU6, depthwise conv, a residual Add, global pooling. */
function bnNet(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor => layer.apply(x) as tf.SymbolicTensor;
  const bn = (): tf.layers.Layer => tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
  let x = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(1) }), input);
  x = apply(tf.layers.reLU({ maxValue: 6 }), apply(bn(), x));
  let y = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: init(2) }), x);
  y = apply(tf.layers.reLU({ maxValue: 6 }), apply(bn(), y));
  y = apply(bn(), apply(tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false, kernelInitializer: init(3) }), y));
  const sum = tf.layers.add().apply([x, y]) as tf.SymbolicTensor;
  const out = apply(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(4) }), apply(tf.layers.globalAveragePooling2d({}), sum));
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** The converter's smaller kinds: Rescaling, ZeroPadding2D, SeparableConv2D, LeakyReLU, Concatenate, Average. */
function mixedNet(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor => layer.apply(x) as tf.SymbolicTensor;
  let x = apply(tf.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }), apply(tf.layers.rescaling({ scale: 2, offset: -1 }), input));
  x = apply(tf.layers.separableConv2d({ filters: 4, kernelSize: 3, activation: 'relu', depthwiseInitializer: init(1), pointwiseInitializer: init(2) }), x);
  const a = apply(tf.layers.leakyReLU({ alpha: 0.2 }), apply(tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(3) }), x));
  const b = apply(tf.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: init(4) }), x);
  const c = apply(tf.layers.concatenate(), [a, b]);
  const e = apply(tf.layers.average(), [c, apply(tf.layers.conv2d({ filters: 6, kernelSize: 1, kernelInitializer: init(5) }), c)]);
  const out = apply(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(6) }), apply(tf.layers.globalAveragePooling2d({}), e));
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const fit = (model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, opts: Partial<LoopOptions> = {}) =>
  runEpochs(model, tensorBatches(xs, ys), { epochs: 2, batchSize: 16, seed: 1, shuffle: false, ...opts });

describeCompiled('the compiled training step', () => {
  let warn: jest.SpyInstance;
  beforeAll(async () => {
    await initTrainingBackend('tensorflow');
  });
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  test('trains an MLP and a CNN to the weights and logs of model.fit and of the tape step', async () => {
    const { xs, ys, labels } = brightThirds(96);
    for (const make of [() => mlp(), () => smallCnn()]) {
      const reference = make();
      const history = await reference.fit(xs, ys, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
      const tape = make();
      expect((await fit(tape, xs, ys, { runner: { compiled: false } })).method).not.toBe('compiled');
      const model = make();
      const result = await fit(model, xs, ys);
      expect(result.method).toBe('compiled');
      expect(maxDifference(weightsOf(reference), weightsOf(make()))).toBeGreaterThan(1e-2);
      expect(maxDifference(weightsOf(model), weightsOf(reference))).toBeLessThan(SAME_TRAINING);
      expect(maxDifference(weightsOf(model), weightsOf(tape))).toBeLessThan(SAME_TRAINING);
      result.epochs.forEach((e, i) => {
        expect(e.loss).toBeCloseTo(history.history.loss![i] as number, 4);
        expect(e.accuracy).toBeCloseTo(history.history.acc![i] as number, 6);
      });
    }
    tf.dispose([xs, ys, labels]);
  });

  test('sparse labels and a partial last batch', async () => {
    const { xs, labels } = brightThirds(90);
    const floatLabels = labels.cast('float32');
    const reference = mlp('sparseCategoricalCrossentropy');
    await reference.fit(xs, floatLabels, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const model = mlp('sparseCategoricalCrossentropy');
    expect((await fit(model, xs, floatLabels)).method).toBe('compiled');
    expect(maxDifference(weightsOf(model), weightsOf(reference))).toBeLessThan(SAME_TRAINING);
    tf.dispose([xs, labels, floatLabels]);
  });

  test('BatchNormalization (weights and moving statistics), ReLU6, depthwise conv and Add train like the tape step', async () => {
    const { xs, ys, labels } = brightThirds(96);
    const tape = bnNet();
    expect((await fit(tape, xs, ys, { runner: { compiled: false } })).method).toBe('tape+native-adam');
    const model = bnNet();
    expect((await fit(model, xs, ys)).method).toBe('compiled');
    expect(maxDifference(weightsOf(tape), weightsOf(bnNet()))).toBeGreaterThan(1e-2);
    // getWeights() includes the moving mean and variance: the compiled step keeps them as tfjs does.
    expect(maxDifference(weightsOf(model), weightsOf(tape))).toBeLessThan(SAME_TRAINING);
    tf.dispose([xs, ys, labels]);
  });

  test('Rescaling, ZeroPadding2D, SeparableConv2D, LeakyReLU, Concatenate and Average train like the tape step', async () => {
    const { xs, ys, labels } = brightThirds(96);
    const tape = mixedNet();
    expect((await fit(tape, xs, ys, { runner: { compiled: false } })).method).toBe('tape+native-adam');
    const model = mixedNet();
    expect((await fit(model, xs, ys)).method).toBe('compiled');
    expect(maxDifference(weightsOf(tape), weightsOf(mixedNet()))).toBeGreaterThan(1e-2);
    expect(maxDifference(weightsOf(model), weightsOf(tape))).toBeLessThan(SAME_TRAINING);
    tf.dispose([xs, ys, labels]);
  });

  test('two runs give bit-identical weights', async () => {
    const { xs, ys, labels } = brightThirds(96);
    const [a, b] = [bnNet(), bnNet()];
    await fit(a, xs, ys, { shuffle: true });
    await fit(b, xs, ys, { shuffle: true });
    expect(maxDifference(weightsOf(a), weightsOf(b))).toBe(0);
    tf.dispose([xs, ys, labels]);
  });

  test('a model with a layer kind outside the table falls back to the tape step, saying why once', async () => {
    const { xs, ys, labels } = brightThirds(32);
    expect(planCompiledStep(mlp('categoricalCrossentropy', [tf.layers.dropout({ rate: 0.5, noiseShape: [1, 16] })]))).toMatch(/has a noiseShape/);
    const normalized = (): tf.Sequential => mlp('categoricalCrossentropy', [tf.layers.layerNormalization()]);
    expect(planCompiledStep(normalized())).toMatch(/is a LayerNormalization, which the compiled step does not build/);
    const model = normalized();
    expect((await fit(model, xs, ys)).method).toBe('tape+native-adam');
    expect((await fit(model, xs, ys)).method).toBe('tape+native-adam');
    const messages = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('compiled training step does not apply'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/model sequential_\d+ \(layer layer_normalization_\w+ is a LayerNormalization, which the compiled step does not build\); training it step by step instead/);
    tf.dispose([xs, ys, labels]);
  });

  test('dropout: masks seeded by layer and step, so a resumed run drops what the uninterrupted run drops', async () => {
    const { xs, ys, labels } = brightThirds(96);
    const make = (rate: number): tf.Sequential => mlp('categoricalCrossentropy', [tf.layers.dropout({ rate, seed: 5 })]);
    const opts = { epochs: 2, shuffle: true };
    const straight = make(0.5);
    expect((await fit(straight, xs, ys, opts)).method).toBe('compiled');
    const again = make(0.5);
    await fit(again, xs, ys, opts);
    expect(maxDifference(weightsOf(again), weightsOf(straight))).toBe(0);
    const noDropout = make(0);
    await fit(noDropout, xs, ys, opts);
    expect(maxDifference(weightsOf(noDropout), weightsOf(straight))).toBeGreaterThan(1e-3);

    // The checkpoint after epoch 1 (weights and Adam state, step count included), resumed.
    let checkpoint: Uint8Array | undefined;
    const first = make(0.5);
    await runEpochs(first, tensorBatches(xs, ys), { batchSize: 16, seed: 1, ...opts }, {
      onEpochEnd: async ({ epoch }) => {
        if (epoch === 0) checkpoint = await serializeModel(first, { includeOptimizer: true });
      },
    });
    const resumed = await deserializeModel(checkpoint!);
    await fit(resumed, xs, ys, { ...opts, initialEpoch: 1 });
    expect(maxDifference(weightsOf(resumed), weightsOf(straight))).toBe(0);
    tf.dispose([xs, ys, labels]);
  });

  test('without the addon (missing or broken file) training falls back cleanly', async () => {
    const { xs, ys, labels } = brightThirds(32);
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'liteship-addon-')), 'liteship_tf_graph.node');
    fs.writeFileSync(broken, 'not a shared library');
    const saved = process.env.LITESHIP_GRAPH_ADDON;
    try {
      for (const [file, why] of [
        ['/nonexistent/liteship_tf_graph.node', /the graph addon is not built \(\/nonexistent\/liteship_tf_graph\.node is missing; run bash scripts\/setup\.sh\)/],
        [broken, /the graph addon .* does not load \(.*\); run bash scripts\/setup\.sh/],
      ] as const) {
        process.env.LITESHIP_GRAPH_ADDON = file;
        expect(loadGraphAddon()).toEqual({ why: expect.stringMatching(why) });
        const model = mlp();
        expect((await fit(model, xs, ys)).method).toBe('native-dense');
        expect(warn.mock.calls.some((c) => why.test(String(c[0])))).toBe(true);
      }
    } finally {
      if (saved === undefined) delete process.env.LITESHIP_GRAPH_ADDON;
      else process.env.LITESHIP_GRAPH_ADDON = saved;
      fs.rmSync(path.dirname(broken), { recursive: true, force: true });
    }
    tf.dispose([xs, ys, labels]);
  });

  test('nothing leaks: a second run of the same model keeps the tensor count', async () => {
    const { xs, ys, labels } = brightThirds(96);
    const model = bnNet();
    await fit(model, xs, ys); // the first run gives the optimizer its moments
    const tensors = tf.memory().numTensors;
    await fit(model, xs, ys, { initialEpoch: 0, epochs: 3 });
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([xs, ys, labels]);
  });
});

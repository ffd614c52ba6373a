// Architectures from the spec: mobilenet-v2, a layer list, a saved model to fine-tune.
// Each builds, trains a step on tiny data, converts, and runs in both TFLite runtimes
// with model.predict's answers; bad architectures fail before anything trains.
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../../ml/backend';
import { buildArchitecture, createRng, NEW_HEAD_NAME, sequentialFromLayers, trainModel, type ArchitectureChoice, type ImageSet } from '../../../ml';
import { converterTable, convert } from '../../../tflite';
import { runInLiteRt } from '../../../tflite/runtimes/litert';
import { loadInterpreter } from '../../../tflite/runtimes/tfjs-tflite-node';
import { relativeMaxDiff } from '../tflite/support/random-model';
import { thrownBy } from './fixtures';

/** The converter's own layer table: what every architecture is checked against. */
const converter = converterTable();

// float32 files: the same ops in another kernel library; 1e-4 of the output range is the
// parity suite's bound (float32 rounding over a few hundred accumulations per output).
const TOLERANCE = 1e-4;

// The native backend, as training runs in the worker (mobilenet-v2 is slow on tfjs' JS cpu backend).
beforeAll(async () => {
  await initTrainingBackend('tensorflow');
});

function randomImages(count: number, imageShape: [number, number, number], numClasses: number, seed: number): ImageSet {
  const next = createRng(seed);
  const size = imageShape[0] * imageShape[1] * imageShape[2];
  const images = Uint8Array.from({ length: count * size }, () => Math.floor(next() * 256));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % numClasses);
  return { images, labels, count, imageShape, numClasses };
}

const snapshot = (model: tf.LayersModel): Map<string, Float32Array> =>
  new Map(model.weights.map((w) => [w.name, Float32Array.from(w.read().dataSync())]));

/** Trains one epoch, converts to float32, and checks both runtimes against model.predict. */
async function trainAndCheckParity(model: tf.LayersModel, data: ImageSet): Promise<void> {
  const before = snapshot(model);
  await trainModel(model, data, { epochs: 1, batchSize: 8, seed: 1 });
  const changed = [...snapshot(model)].filter(([name, values]) => values.some((v, i) => v !== before.get(name)?.[i]));
  expect(changed.length).toBeGreaterThan(0);

  const bytes = convert(model);
  const inputs = [0, 1, 2].map((i) => {
    const size = data.imageShape[0] * data.imageShape[1] * data.imageShape[2];
    return Float32Array.from(data.images.subarray(i * size, (i + 1) * size), (p) => p / 255);
  });
  const expected = inputs.map((x) => tf.tidy(() => Float32Array.from((model.predict(tf.tensor4d(x, [1, ...data.imageShape])) as tf.Tensor).dataSync())));
  const interpreter = await loadInterpreter(bytes);
  const native = inputs.map((x) => interpreter.predict(x));
  interpreter.dispose();
  const [liteRt] = await runInLiteRt([{ model: bytes, runs: inputs.map((x) => [{ data: x, shape: [1, ...data.imageShape] }]) }]);
  if (!liteRt?.ok) throw new Error(`LiteRT: ${liteRt?.ok === false ? liteRt.error : 'no result'}`);
  expected.forEach((e, i) => {
    expect(relativeMaxDiff(e, native[i]!)).toBeLessThanOrEqual(TOLERANCE);
    expect(relativeMaxDiff(e, liteRt.runs[i]![0]!.data)).toBeLessThanOrEqual(TOLERANCE);
  });
}

describe('mobilenet-v2', () => {
  it('has the parameter count of Keras MobileNetV2 (alpha 1.0, 1000 classes: 3,538,984)', async () => {
    const model = await buildArchitecture({ name: 'mobilenet-v2', alpha: 1 }, { inputShape: [32, 32, 3], numClasses: 1000, seed: 1, converter });
    expect(model.countParams()).toBe(3_538_984);
    model.dispose();
  });

  it('alpha 0.35 on 32x32x3: same seed, same weights; trains a step; converts; runs in both runtimes', async () => {
    const arch: ArchitectureChoice = { name: 'mobilenet-v2', alpha: 0.35 };
    const opts = { inputShape: [32, 32, 3] as [number, number, number], numClasses: 3, seed: 9, converter };
    const [a, b] = [await buildArchitecture(arch, opts), await buildArchitecture(arch, opts)];
    expect([...snapshot(a).values()]).toEqual([...snapshot(b).values()]);
    b.dispose();
    await trainAndCheckParity(a, randomImages(16, [32, 32, 3], 3, 2));
    a.dispose();
  }, 120_000);

  it('refuses image sizes that are not multiples of 32', async () => {
    await expect(buildArchitecture({ name: 'mobilenet-v2', alpha: 0.35 }, { inputShape: [28, 28, 1], numClasses: 10, seed: 1, converter }))
      .rejects.toThrow('mobilenet-v2 needs images whose height and width are multiples of 32 (at least 32), got 28x28: resize the images (e.g. to 32x32)');
  });
});

describe('layers architecture', () => {
  const layers = [
    { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
    { type: 'batchNormalization' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.1 },
    { type: 'dense', units: 3, activation: 'softmax' },
  ];

  it('builds a seeded Sequential with the input shape from the data; trains; converts; runs in both runtimes', async () => {
    const opts = { inputShape: [10, 10, 1] as [number, number, number], numClasses: 3, seed: 4, converter };
    const model = await buildArchitecture({ layers }, opts);
    const again = await buildArchitecture({ layers }, opts);
    expect([...snapshot(model).values()]).toEqual([...snapshot(again).values()]);
    again.dispose();
    expect(model.inputs[0]?.shape).toEqual([null, 10, 10, 1]);
    await trainAndCheckParity(model, randomImages(24, [10, 10, 1], 3, 3));
    model.dispose();
  }, 60_000);

  it('lists every unsupported or unknown layer with what is supported, before building anything', () => {
    const err = thrownBy(() => sequentialFromLayers([
      { type: 'conv1d', filters: 2, kernelSize: 2 },
      { type: 'lstm', units: 4 },
      { type: 'transformerBlock' },
      { type: 'dense', units: 3, activation: 'softmax' },
    ], { inputShape: [8, 8, 1], numClasses: 3, seed: 1, converter }));
    expect(err.name).toBe('ArchitectureError');
    expect(err.message).toContain('architecture.layers: 3 problems:');
    expect(err.message).toContain('architecture.layers[0]: "conv1d" is a TensorFlow.js layer that liteship\'s TFLite converter does not support');
    expect(err.message).toContain('architecture.layers[1]: "lstm" is a TensorFlow.js layer that liteship\'s TFLite converter does not support');
    expect(err.message).toContain('architecture.layers[2]: "transformerBlock" is not a TensorFlow.js layer type');
    expect(err.message).toMatch(/Layer types: .*conv2d, dense, depthwiseConv2d, .*globalAveragePooling2d/);
    expect(err.message).toContain('Supported activations: linear, relu, relu6');
  });

  it('reports an activation the converter lacks and a classifier with the wrong class count', () => {
    const opts = { inputShape: [4, 4, 1] as [number, number, number], numClasses: 3, seed: 1, converter };
    expect(thrownBy(() => sequentialFromLayers([{ type: 'flatten' }, { type: 'dense', units: 8, activation: 'selu' }, { type: 'dense', units: 3, activation: 'softmax' }], opts)).message)
      .toContain('architecture.layers[1] (Dense) uses activation "selu", which the converter does not support');
    expect(thrownBy(() => sequentialFromLayers([{ type: 'flatten' }, { type: 'dense', units: 5, activation: 'softmax' }], opts)).message)
      .toBe('architecture.layers[1]: the classifier outputs 5 values but the dataset has 3 classes: end the list with {"type": "dense", "units": 3, "activation": "softmax"}');
    expect(thrownBy(() => sequentialFromLayers([{ type: 'flatten' }, { type: 'dense', units: 3 }], opts)).message)
      .toContain('the last layer must output class probabilities (activation "softmax"), got "linear"');
    expect(thrownBy(() => sequentialFromLayers([{ type: 'conv2d', filters: 2, kernelSize: 9 }, { type: 'dense', units: 3, activation: 'softmax' }], opts)).message)
      .toMatch(/architecture\.layers\[0\] \(conv2d\): .*/);
  });
});

/** model.json + weights.bin of a saved model, held in memory. */
async function saveToMemory(model: tf.LayersModel): Promise<{ modelJson: Uint8Array; files: Map<string, Uint8Array> }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  }));
  const weights = new Uint8Array(artifacts!.weightData as ArrayBuffer);
  const json = { format: 'layers-model', modelTopology: artifacts!.modelTopology, weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts!.weightSpecs }] };
  return { modelJson: new TextEncoder().encode(JSON.stringify(json)), files: new Map([['./weights.bin', weights]]) };
}

describe('fine-tuning a saved model', () => {
  const inputShape: [number, number, number] = [10, 10, 1];
  let saved: { modelJson: Uint8Array; files: Map<string, Uint8Array> };
  beforeAll(async () => {
    const base = sequentialFromLayers([
      { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu', name: 'features' },
      { type: 'batchNormalization', name: 'features_bn' },
      { type: 'maxPooling2d', poolSize: 2, name: 'pool' },
      { type: 'flatten', name: 'flat' },
      { type: 'dense', units: 8, activation: 'relu', name: 'hidden' },
      { type: 'dense', units: 4, activation: 'softmax', name: 'old_head' },
    ], { inputShape, numClasses: 4, seed: 1, converter });
    saved = await saveToMemory(base);
    base.dispose();
  });
  const read = (files: Map<string, Uint8Array>) => async (p: string): Promise<Uint8Array> => {
    const bytes = files.get(p);
    if (!bytes) throw new Error(`ENOENT ${p}`);
    return bytes;
  };

  it('freezes the layers before `from` (bit-identical after training, BatchNorm statistics too) and gives a new head of the new class count', async () => {
    const model = await buildArchitecture(
      { model: '/models/base/model.json', trainable: { from: 'hidden' }, newHead: true },
      { inputShape, numClasses: 3, seed: 2, converter },
      { modelJson: saved.modelJson, readWeightFile: read(saved.files) },
    );
    expect(model.layers.map((l) => [l.name, l.trainable])).toEqual([
      ['features_input', false], ['features', false], ['features_bn', false], ['pool', false], ['flat', false], ['hidden', true], [NEW_HEAD_NAME, true],
    ]);
    expect(model.outputs[0]?.shape).toEqual([null, 3]);
    const frozen = (m: tf.LayersModel) => new Map([...snapshot(m)].filter(([name]) => name.startsWith('features')));
    const before = frozen(model);
    expect(before.size).toBe(6); // kernel, bias, gamma, beta, moving mean, moving variance
    await trainAndCheckParity(model, randomImages(24, inputShape, 3, 5));
    expect(frozen(model)).toEqual(before);
    model.dispose();
  }, 60_000);

  it('without newHead, the saved classifier must already fit the class count', async () => {
    await expect(buildArchitecture(
      { model: 's3://models/base/model.json', trainable: 'all', newHead: false },
      { inputShape, numClasses: 3, seed: 2, converter },
      { modelJson: saved.modelJson, readWeightFile: read(saved.files) },
    )).rejects.toThrow('s3://models/base/model.json: the model predicts 4 classes but the dataset has 3: set "newHead": true to replace the classifier');
  });

  it('names the weights file that does not match the manifest, and an unknown `from` layer', async () => {
    const truncated = new Map([['./weights.bin', saved.files.get('./weights.bin')!.subarray(0, 100)]]);
    await expect(buildArchitecture(
      { model: '/models/base/model.json', trainable: 'all', newHead: true },
      { inputShape, numClasses: 3, seed: 2, converter },
      { modelJson: saved.modelJson, readWeightFile: read(truncated) },
    )).rejects.toThrow(/^\/models\/base\/model\.json: weight file "\.\/weights\.bin" holds 100 bytes but the weightsManifest's 10 weights need \d+: the weights do not belong to this model\.json/);
    await expect(buildArchitecture(
      { model: '/m/model.json', trainable: { from: 'nope' }, newHead: true },
      { inputShape, numClasses: 3, seed: 2, converter },
      { modelJson: saved.modelJson, readWeightFile: read(saved.files) },
    )).rejects.toThrow('/m/model.json: trainable.from names layer "nope", which the model does not have; its layers are: features_input, features, features_bn, pool, flat, hidden, liteship_head');
  });
});

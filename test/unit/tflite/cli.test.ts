// `liteship convert` on a saved tfjs model, running the file it writes, and
// `liteship inspect` on liteship's and TensorFlow's files; every error path.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { convertCommand } from '../../../client/commands/convert';
import { inspectCommand } from '../../../client/commands/inspect';
import { convert, TensorType } from '../../../tflite';
import { loadInterpreter } from '../../../tflite/runtimes/tfjs-tflite-node';
import { randomInputs, randomizeWeights, relativeMaxDiff, tfjsPredict } from './support/random-model';
import { saveLayersModel } from './support/save-model';

// The first conversion also loads the native TFLite interpreter.
jest.setTimeout(60_000);

const TF_FIXTURE = path.join(__dirname, '../../fixtures/tflite/tf-small-cnn.tflite');

function captureIO(): { io: { stdout: (s: string) => void; stderr: (s: string) => void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } }, out: () => out, err: () => err };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liteship-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

describe('liteship convert', () => {
  it('converts a model saved to a folder; the file runs with the model\'s answers', async () => {
    const model = cnn();
    randomizeWeights(model, 3);
    const folder = path.join(dir, 'saved-cnn');
    await saveLayersModel(model, folder);
    const output = path.join(dir, 'cnn.tflite');
    const { io, out, err } = captureIO();

    expect(await convertCommand([folder, '-o', output], io)).toBe(0);
    expect(err()).toBe('');
    expect(out()).toContain(`-> ${output}`);
    expect(out()).toContain('CONV_2D');

    const bytes = new Uint8Array(await readFile(output));
    const inputs = randomInputs(model, 11);
    const expected = tfjsPredict(model, inputs);
    const interpreter = await loadInterpreter(bytes, { numThreads: 1 });
    const actual = interpreter.predict(inputs.arrays[0]!, inputs.shapes[0]);
    interpreter.dispose();
    expect(relativeMaxDiff(expected[0]!, actual)).toBeLessThanOrEqual(1e-4);
  });

  it('accepts the model.json path itself', async () => {
    const folder = path.join(dir, 'saved-mlp');
    await saveLayersModel(tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 2 })] }), folder);
    const { io } = captureIO();
    expect(await convertCommand([path.join(folder, 'model.json'), '--output', path.join(dir, 'mlp.tflite')], io)).toBe(0);
    expect((await readFile(path.join(dir, 'mlp.tflite'))).subarray(4, 8).toString()).toBe('TFL3');
  });

  it('reports an unsupported layer with exit code 4 (model problem) and writes nothing', async () => {
    const folder = path.join(dir, 'saved-lstm');
    await saveLayersModel(tf.sequential({ layers: [tf.layers.lstm({ inputShape: [4, 2], units: 3, name: 'the_lstm' })] }), folder);
    const output = path.join(dir, 'lstm.tflite');
    const { io, err } = captureIO();
    expect(await convertCommand([folder, '-o', output], io)).toBe(4);
    expect(err()).toContain('layer "the_lstm" is a LSTM');
    await expect(readFile(output)).rejects.toThrow('ENOENT');
  });

  it.each([
    ['no output', (f: string) => [f], 'usage: liteship convert'],
    ['missing folder', () => [path.join(dir, 'nope'), '-o', 'x.tflite'], 'does not exist'],
    ['folder without model.json', () => [dir, '-o', 'x.tflite'], 'must contain the model.json'],
  ])('usage error: %s', async (_title, argv, message) => {
    const { io } = captureIO();
    await expect(convertCommand(argv(path.join(dir, 'saved-mlp')), io)).rejects.toMatchObject({ name: 'UsageError', message: expect.stringContaining(message) });
  });

  it('refuses a tfjs graph model', async () => {
    const folder = path.join(dir, 'graph-model');
    await saveLayersModel(tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] }), folder);
    const json = JSON.parse(await readFile(path.join(folder, 'model.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(folder, 'model.json'), JSON.stringify({ ...json, format: 'graph-model' }));
    const { io } = captureIO();
    await expect(convertCommand([folder, '-o', path.join(dir, 'g.tflite')], io)).rejects.toThrow('is a tfjs graph model');
  });
});

describe('liteship inspect', () => {
  it('prints ops, tensors, signature, metadata and the byte budget of a liteship file', async () => {
    const { io, out } = captureIO();
    expect(await inspectCommand([path.join(dir, 'cnn.tflite')], io)).toBe(0);
    const text = out();
    expect(text).toContain('min_runtime_version: 1.5.0');
    expect(text).toMatch(/#0 CONV_2D v1 in \[0, 1, 2\] out \[3\] padding=VALID .*activation=RELU/);
    expect(text).toContain('serving_default (subgraph 0)');
    expect(text).toMatch(/conv2d_Conv2D\d+\/kernel FLOAT32 \[4, 3, 3, 1\] 144 bytes/);
    expect(text).toMatch(/ {4}dense_Dense\d+: 780 in 2 tensor\(s\)/); // (64x3 + 3) floats
    expect(text).toMatch(/structure {2}\d+ \(\d+\.\d%\)/);
  });

  it('prints --json with the description and the byte budget', async () => {
    const { io, out } = captureIO();
    expect(await inspectCommand([TF_FIXTURE, '--json'], io)).toBe(0);
    const json = JSON.parse(out()) as {
      operators: Array<{ name: string }>;
      bytes: { fileBytes: number; weightBytes: number; metadataBytes: number; structureBytes: number };
    };
    expect(json.operators.map((op) => op.name)).toContain('STRIDED_SLICE');
    const { fileBytes, weightBytes, metadataBytes, structureBytes } = json.bytes;
    expect(fileBytes).toBe(3448);
    expect(weightBytes + metadataBytes + structureBytes).toBe(fileBytes);
    // conv kernel 144 + conv bias 16 + dense kernel 432 + the int32 shape constants 12
    expect(weightBytes).toBe(144 + 16 + 432 + 12);
    expect(metadataBytes).toBeGreaterThan(0);
  });

  it('shows quantization parameters of quantized tensors', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    const bytes = convert(model, {
      graphTransforms: [(graph) => {
        const weights = graph.tensors.find((t) => t.name.endsWith('/kernel'))!;
        weights.data = Int8Array.from(weights.data as Float32Array, (v) => Math.round(v * 100));
        weights.type = TensorType.INT8;
        weights.quantization = { scale: [0.01], zeroPoint: [0] };
        return graph;
      }],
    });
    const file = path.join(dir, 'hybrid.tflite');
    await writeFile(file, bytes);
    const { io, out } = captureIO();
    expect(await inspectCommand([file], io)).toBe(0);
    expect(out()).toMatch(/\/kernel INT8 \[2, 4\] 8 bytes scale 0\.01 zero_point 0/);
    expect(out()).toContain('FULLY_CONNECTED v3');
  });

  it('reads a TensorFlow-converted file in text form too', async () => {
    const { io, out } = captureIO();
    expect(await inspectCommand([TF_FIXTURE], io)).toBe(0);
    expect(out()).toContain('image=#0');
    expect(out()).toContain('FLOAT32 [-1, 8, 8, 1]');
    expect(out()).toMatch(/sequential_1\/scores_1: 432/);
  });

  it('exits 3 (invalid input) with the reason for a file that is not TFLite', async () => {
    const bad = path.join(dir, 'bad.tflite');
    await writeFile(bad, 'definitely not a flatbuffer');
    const { io, err } = captureIO();
    expect(await inspectCommand([bad], io)).toBe(3);
    expect(err()).toContain('not the TFLite file identifier');
  });

  it('usage errors: no file, unreadable file, unknown flag', async () => {
    const { io } = captureIO();
    await expect(inspectCommand([], io)).rejects.toThrow('usage: liteship inspect');
    await expect(inspectCommand([path.join(dir, 'missing.tflite')], io)).rejects.toThrow('ENOENT');
    await expect(inspectCommand([TF_FIXTURE, '--yaml'], io)).rejects.toThrow('unknown option --yaml');
  });
});

/** `liteship convert --quantize`: each variant from a saved tfjs model, checked in the real interpreter. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodeNpyFloat32 } from '../../../bench/python/npy';
import { convertCommand, loadSavedLayersModel } from '../../../client/commands/convert';
import { readTflite } from '../../../tflite';
import { loadInterpreter } from '../../../tflite/runtimes/tfjs-tflite-node';
import { randomInputs, randomizeWeights, relativeMaxDiff, tfjsPredict } from '../tflite/support/random-model';
import { saveLayersModel } from '../tflite/support/save-model';

let dir: string;
let folder: string;
let model: tf.LayersModel;
let calibration: string;

function capture() {
  let out = '';
  let err = '';
  return { io: { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) }, out: () => out, err: () => err };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liteship-quantize-'));
  model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 40, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  randomizeWeights(model, 5);
  folder = path.join(dir, 'saved');
  await saveLayersModel(model, folder);
  const samples = tf.tidy(() => tf.randomUniform([64, 8, 8, 1], 0, 1, 'float32', 3).dataSync() as Float32Array);
  calibration = path.join(dir, 'samples.npy');
  await writeFile(calibration, encodeNpyFloat32(samples, [64, 8, 8, 1]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function convertTo(name: string, extra: string[]) {
  const output = path.join(dir, name);
  const { io, out, err } = capture();
  const code = await convertCommand([folder, '-o', output, ...extra], io);
  return { code, out: out(), err: err(), bytes: code === 0 ? new Uint8Array(await readFile(output)) : undefined };
}

async function agreement(bytes: Uint8Array): Promise<number> {
  const inputs = randomInputs(model, 11);
  for (let i = 0; i < inputs.arrays[0]!.length; i++) inputs.arrays[0]![i] = Math.abs(inputs.arrays[0]![i]!) % 1;
  const interpreter = await loadInterpreter(bytes);
  const actual = interpreter.predict(inputs.arrays[0]!, inputs.shapes[0]);
  interpreter.dispose();
  return relativeMaxDiff(tfjsPredict(model, inputs)[0]!, actual);
}

describe('liteship convert --quantize', () => {
  it('float16 stores weights as FLOAT16 and keeps the answers', async () => {
    const r = await convertTo('f16.tflite', ['--quantize', 'float16']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('(float16)');
    expect(readTflite(r.bytes!).tensors.some((t) => t.typeName === 'FLOAT16')).toBe(true);
    expect(await agreement(r.bytes!)).toBeLessThan(1e-2);
  });

  it('keeps --description in every variant', async () => {
    for (const mode of ['float16', 'dynamic']) {
      const r = await convertTo(`described-${mode}.tflite`, ['--quantize', mode, '--description', 'digits v7']);
      expect(r.code).toBe(0);
      expect(readTflite(r.bytes!).description).toBe('digits v7');
    }
  });

  it('dynamic stores int8 weights and keeps float activations', async () => {
    const r = await convertTo('dyn.tflite', ['--quantize', 'dynamic']);
    expect(r.code).toBe(0);
    const d = readTflite(r.bytes!);
    expect(d.tensors.some((t) => t.typeName === 'INT8' && t.dataBytes > 0)).toBe(true);
    expect(d.inputs.map((t) => t.typeName)).toEqual(['FLOAT32']);
    expect(await agreement(r.bytes!)).toBeLessThan(0.05);
  });

  it('int8 calibrates on the .npy samples; float I/O by default', async () => {
    const r = await convertTo('int8.tflite', ['--quantize', 'int8', '--calibration', calibration, '--calibration-samples', '32']);
    expect(r.code).toBe(0);
    const d = readTflite(r.bytes!);
    expect(d.inputs.map((t) => t.typeName)).toEqual(['FLOAT32']);
    expect(d.operators.map((o) => o.name)).toContain('QUANTIZE');
    expect(await agreement(r.bytes!)).toBeLessThan(0.1);
  });

  it('--int8-io writes int8 input/output and prints their scale and zero point', async () => {
    const r = await convertTo('int8io.tflite', ['--quantize', 'int8', '--calibration', calibration, '--int8-io']);
    expect(r.code).toBe(0);
    const d = readTflite(r.bytes!);
    expect(d.inputs.map((t) => t.typeName)).toEqual(['INT8']);
    expect(r.out).toMatch(/input .*: int8, real = [0-9.e-]+ \* \(q - -?\d+\)/);
    expect(r.out).toMatch(/output .*: int8, real = 0\.00390625 \* \(q - -128\)/);
  });

  it('--sparse stores a pruned model\'s FULLY_CONNECTED weights sparse and reports each one', async () => {
    // Prune the dense kernels: zero the 80% smallest weights of each, as magnitude pruning leaves them.
    const pruned = await loadSavedLayersModel(folder);
    pruned.setWeights(
      pruned.layers.flatMap((layer) =>
        layer.getWeights().map((w, i) => {
          if (layer.getClassName() !== 'Dense' || i !== 0) return w;
          const threshold = [...w.dataSync()].map(Math.abs).sort((a, b) => a - b)[Math.floor(w.size * 0.8)]!;
          return tf.tidy(() => tf.mul(w, tf.greaterEqual(tf.abs(w), threshold).toFloat()));
        }),
      ),
    );
    const prunedFolder = path.join(dir, 'pruned');
    await saveLayersModel(pruned, prunedFolder);
    const output = path.join(dir, 'sparse.tflite');
    const { io, out } = capture();
    expect(await convertCommand([prunedFolder, '-o', output, '--sparse'], io)).toBe(0);
    const bytes = new Uint8Array(await readFile(output));
    expect(readTflite(bytes).operators.filter((op) => op.name === 'FULLY_CONNECTED').map((op) => op.version)).toEqual([8, 8]);
    expect(out()).toMatch(/sparse weights \(--sparse\):\n  .*kernel: sparse, \d+ bytes instead of 23040 \(20\.0% non-zero\)\n  .*kernel: sparse, \d+ bytes instead of 480/);
    const dense = path.join(dir, 'dense.tflite');
    expect(await convertCommand([prunedFolder, '-o', dense], capture().io)).toBe(0);
    expect(bytes.length).toBeLessThan((await readFile(dense)).length * 0.6);
    // Same answers as the dense file of the same weights.
    const inputs = randomInputs(pruned, 4);
    const run = async (b: Uint8Array) => {
      const interpreter = await loadInterpreter(b);
      try {
        return interpreter.predict(inputs.arrays[0]!, inputs.shapes[0]);
      } finally {
        interpreter.dispose();
      }
    };
    expect(relativeMaxDiff(await run(new Uint8Array(await readFile(dense))), await run(bytes))).toBeLessThan(1e-5);
  });

  it('explains what is missing or wrong', async () => {
    await expect(convertTo('x.tflite', ['--quantize', 'int8'])).rejects.toThrow('pass --calibration <samples.npy|.idx|.csv>');
    await expect(convertTo('x.tflite', ['--quantize', 'int4'])).rejects.toThrow('--quantize must be one of float16, dynamic, int8');
    await expect(convertTo('x.tflite', ['--quantize', 'float16', '--int8-io'])).rejects.toThrow('--calibration and --int8-io go with --quantize int8');
    const wrongShape = path.join(dir, 'wrong.npy');
    await writeFile(wrongShape, encodeNpyFloat32(new Float32Array(10 * 5), [10, 5]));
    await expect(convertTo('x.tflite', ['--quantize', 'int8', '--calibration', wrongShape])).rejects.toThrow(
      'needs 64: save an array of shape [n, 8, 8, 1]',
    );
    const truncated = path.join(dir, 'truncated.npy');
    await writeFile(truncated, encodeNpyFloat32(new Float32Array(64 * 4), [4, 8, 8, 1]).subarray(0, 200));
    await expect(convertTo('x.tflite', ['--quantize', 'int8', '--calibration', truncated])).rejects.toThrow(/truncated\.npy: shape \(4, 8, 8, 1\) needs \d+ bytes but the file has 200/);
  });
});

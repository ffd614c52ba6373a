/**
 * `liteship convert` writes TFLite Model Metadata as releases do: labels from --labels, else the
 * ones the saved model records, else 0..N-1; normalization from --mean/--std (default pixel / 255);
 * read back by `liteship inspect`, and the file still runs.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readTflite } from '../../../tflite';
import { loadInterpreter } from '../../../tflite/runtimes/tfjs-tflite-node';
import { runCli } from '../../support/cli';
import { saveLayersModel } from '../tflite/support/save-model';

let dir: string;

/** Saves a small 3-class image model [8, 8, channels] (or a flat one) into `name/`, with extra model.json fields. */
async function saved(name: string, opts: { channels?: number; flat?: boolean; modelJson?: object; besides?: Record<string, string> } = {}): Promise<string> {
  const first = opts.flat
    ? tf.layers.dense({ inputShape: [64], units: 4, activation: 'relu' })
    : tf.layers.conv2d({ inputShape: [8, 8, opts.channels ?? 1], filters: 2, kernelSize: 3, activation: 'relu' });
  const model = tf.sequential({ layers: [first, ...(opts.flat ? [] : [tf.layers.flatten()]), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  const folder = path.join(dir, name);
  await saveLayersModel(model, folder);
  model.dispose();
  const jsonPath = path.join(folder, 'model.json');
  if (opts.modelJson) await writeFile(jsonPath, JSON.stringify({ ...JSON.parse(await readFile(jsonPath, 'utf8')), ...opts.modelJson }));
  for (const [file, text] of Object.entries(opts.besides ?? {})) await writeFile(path.join(folder, file), text);
  return folder;
}

async function expectRefused(run: Promise<{ code: number; stderr: string }>, message: string): Promise<void> {
  const { code, stderr } = await run;
  expect({ code, stderr }).toEqual({ code: 2, stderr: expect.stringContaining(message) });
}

async function convert(folder: string, extra: string[] = []) {
  const output = `${folder}.tflite`;
  const run = await runCli(['convert', folder, '-o', output, ...extra]);
  return { ...run, output };
}

beforeAll(async () => {
  tf.enableProdMode();
  dir = await mkdtemp(path.join(tmpdir(), 'liteship-convert-metadata-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('--help says how to set the metadata', async () => {
  const help = await runCli(['convert', '--help']);
  for (const flag of ['--labels <file>', '--name <text>', '--version <text>', '--mean <m[,m,m]>', '--std <s[,s,s]>', '--no-metadata']) expect(help.stdout + help.stderr).toContain(flag);
  expect(help.stdout + help.stderr).toContain('Default mean 0, std 255: pixel / 255, how');
});

it('defaults: labels 0..N-1, pixel / 255, the folder name and the weights hash; inspect shows them and the file runs', async () => {
  const folder = await saved('digits');
  const run = await convert(folder);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/TFLite metadata: name "digits", version "sha256:[0-9a-f]{12}"/);
  expect(run.stdout).toContain('labels.txt 3: 0, 1, 2 (from class indices (no --labels, none recorded in the model))');
  const shown = await runCli(['inspect', run.output]);
  expect(shown.stdout).toContain('image: 8x8 GRAYSCALE');
  expect(shown.stdout).toContain('normalization: (value - mean [0]) / std [255]');
  expect(shown.stdout).toContain('stats: min [0] max [1]');
  expect(shown.stdout).toContain('TENSOR_AXIS_LABELS labels.txt 3: 0, 1, 2');
  const interpreter = await loadInterpreter(new Uint8Array(await readFile(run.output)));
  const scores = interpreter.predict(new Float32Array(64).fill(0.5));
  interpreter.dispose();
  expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
});

it('--labels, --name, --version, --description and per-channel --mean/--std', async () => {
  const folder = await saved('pets-rgb', { channels: 3 });
  const labels = path.join(dir, 'pets.txt');
  await writeFile(labels, 'bird\ncat\ndog\n');
  const run = await convert(folder, ['--labels', labels, '--name', 'pets', '--version', '2.1.0', '--description', 'pets at home', '--mean', '127.5,127.5,127.5', '--std', '127.5']);
  expect(run.code).toBe(0);
  const shown = await runCli(['inspect', run.output]);
  expect(shown.stdout).toContain('name "pets", version "2.1.0"');
  expect(shown.stdout).toContain('description "pets at home"');
  expect(shown.stdout).toContain('image: 8x8 RGB');
  expect(shown.stdout).toContain('normalization: (value - mean [127.5, 127.5, 127.5]) / std [127.5]');
  expect(shown.stdout).toContain('stats: min [-1, -1, -1] max [1, 1, 1]');
  expect(shown.stdout).toContain('TENSOR_AXIS_LABELS labels.txt 3: bird, cat, dog');
});

it("the model's own labels: model.json userDefinedMetadata.labels, or a metadata.json beside it", async () => {
  const recorded = await convert(await saved('recorded', { modelJson: { userDefinedMetadata: { labels: ['ant', 'bee', 'cow'] } } }));
  expect(recorded.stdout).toContain('labels.txt 3: ant, bee, cow (from ');
  expect(readTflite(new Uint8Array(await readFile(recorded.output))).associatedFiles?.[0]?.text).toBe('ant\nbee\ncow');
  const teachable = await convert(await saved('teachable', { besides: { 'metadata.json': JSON.stringify({ tmVersion: '2.4.7', labels: ['red', 'green', 'blue'] }) } }));
  expect(readTflite(new Uint8Array(await readFile(teachable.output))).associatedFiles?.[0]?.text).toBe('red\ngreen\nblue');
});

it('bad metadata options are refused with what to do; a model that is not an image classifier, or --no-metadata, gets none', async () => {
  const folder = await saved('plain');
  const labels = path.join(dir, 'two.txt');
  await writeFile(labels, 'yes\nno\n');
  await expectRefused(convert(folder, ['--labels', labels]), `${labels} has 2 labels but the model predicts 3 classes: give one label per class, in class-index order`);
  await expectRefused(convert(folder, ['--std', '0']), '--std must not be 0');
  await expectRefused(convert(folder, ['--mean', '1,2']), '--mean has 2 values; give one, or 1 (one per channel)');
  await expectRefused(convert(folder, ['--no-metadata', '--labels', labels]), '--no-metadata writes no metadata, so --labels would be ignored');
  const flat = await saved('flat', { flat: true });
  const plain = await convert(flat);
  expect(plain.stdout).toContain('no TFLite metadata written: its input [64] is not an image [height, width, channels] (pass --image-shape HxWxC and --labels to describe it)');
  expect(readTflite(new Uint8Array(await readFile(plain.output))).modelMetadata).toBeUndefined();
  await expectRefused(convert(flat, ['--labels', labels]), "the model's input [64] is not an image [height, width, channels]: pass --image-shape HxWxC");
  const shaped = await convert(flat, ['--image-shape', '8x8x1']);
  expect(readTflite(new Uint8Array(await readFile(shaped.output))).modelMetadata?.subgraphs[0]?.inputs[0]?.imageSize).toEqual({ width: 8, height: 8 });
  const none = await convert(folder, ['--no-metadata']);
  expect(none.code).toBe(0);
  expect(readTflite(new Uint8Array(await readFile(none.output))).modelMetadata).toBeUndefined();
});

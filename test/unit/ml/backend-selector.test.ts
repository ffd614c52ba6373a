// A worker honours each spec's training.backend: the selector switches tfjs to it per call
// (it used to keep the first backend it initialised for the life of the process).
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { createBackendSelector } from '../../../ml/backend-selector';

jest.setTimeout(120_000);

const addonBuilt = (() => {
  const libDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-node/package.json')), 'lib');
  return fs.existsSync(libDir) && fs.readdirSync(libDir).some((d) => fs.existsSync(path.join(libDir, d, 'tfjs_binding.node')));
})();

/** One optimizer step of a tiny model on the active backend: the backend trains, not just registers. */
async function trainOneStep(): Promise<number> {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax', kernelInitializer: 'ones' })] });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor2d([[1, 2, 3], [3, 2, 1]]);
  const ys = tf.tensor2d([[1, 0], [0, 1]]);
  const history = await model.fit(xs, ys, { epochs: 1, batchSize: 2, verbose: 0 });
  tf.dispose([xs, ys]);
  model.dispose();
  return history.history.loss![0] as number;
}

test('each call makes the requested backend the active one, and training runs on it', async () => {
  const lines: string[] = [];
  const select = createBackendSelector((line) => lines.push(line));
  const first = addonBuilt ? 'tensorflow' : 'cpu';

  expect((await select(first)).name).toBe(first);
  expect(tf.getBackend()).toBe(first);
  const lossFirst = await trainOneStep();

  const wasm = await select('wasm');
  expect(wasm.name).toBe('wasm');
  expect(tf.getBackend()).toBe('wasm');
  expect(wasm.details).toEqual({ simd: expect.any(Boolean), threads: expect.any(Number) });
  const lossWasm = await trainOneStep();
  // Same model, same data, another backend: the same loss to float32 rounding (ln 2 here).
  expect(Math.abs(lossWasm - lossFirst)).toBeLessThan(1e-5);

  expect((await select(first)).name).toBe(first);
  expect(tf.getBackend()).toBe(first);

  // The worker log says when the backend changes, and only then.
  await select(first);
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(new RegExp(`^training backend: ${first} \\(tfjs `));
  expect(lines[1]).toMatch(/^training backend: wasm \(tfjs .*\) \(switched for a spec asking for "wasm"\)$/);
  expect(lines[2]).toMatch(new RegExp(`^training backend: ${first} .*switched for a spec asking for "${first}"`));
});

test('concurrent calls are serialised: each resolves to the backend it asked for', async () => {
  const select = createBackendSelector(() => undefined);
  const [a, b] = await Promise.all([select('cpu'), select('wasm')]);
  expect([a.name, b.name]).toEqual(['cpu', 'wasm']);
  expect(tf.getBackend()).toBe('wasm');
});

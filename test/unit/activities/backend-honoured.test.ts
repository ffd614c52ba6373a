// A spec's training.backend is honoured by every activity that computes with tfjs: train and prune
// switch to it (test/unit/ml/backend-selector.test.ts), evaluate switches too (it used to evaluate on
// whatever backend the worker had active), and convert only reads weights out of tfjs, so its bytes
// cannot depend on the backend (checked here). benchmark runs the TFLite interpreter, not tfjs.
import * as tf from '@tensorflow/tfjs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ArtifactIO } from '../../../activities/artifact-io';
import { createConvert } from '../../../activities/convert';
import type { DatasetCache } from '../../../activities/dataset-cache';
import { createEvaluate } from '../../../activities/evaluate';
import { DEFAULT_QUANTIZATION, type ArtifactRef, type ConvertedModelRef, type EvaluationMetrics, type PreparedDataRef } from '../../../contracts';
import { MemoryObjectStore } from '../../../infra/memory-object-store';
import { createBackendSelector } from '../../../ml/backend-selector';
import { memorySource, serializeModel } from '../../../ml';
import { quadrantImages } from '../ml/fixtures';

jest.setTimeout(120_000);

const test = quadrantImages(64, 3);
const artifacts = new ArtifactIO(new MemoryObjectStore());
/** Only the test split is read by evaluate; the cache's other duties (manifests, shards) are not under test. */
const datasets = { get: async () => ({ test: memorySource(test), train: memorySource(test) }) } as unknown as DatasetCache;
const data = { dataset: { uri: 'memory://dataset', sha256: 'd', bytes: 0 }, fingerprint: 'f', source: 'memory', trainCount: 64, testCount: 64, imageShape: [6, 6, 1], numClasses: 4 } as PreparedDataRef;

const quietEnvironment = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });

let modelRef: ArtifactRef;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [6, 6, 1] }), tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) })],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  modelRef = await artifacts.put('models/tiny.lsm', await serializeModel(model, { includeOptimizer: false }));
  model.dispose();
});

it('evaluate switches to the backend the spec asks for, whatever was active', async () => {
  const switches: string[] = [];
  const select = createBackendSelector((line) => switches.push(line));
  const evaluate = createEvaluate({ initBackend: select }, artifacts, datasets);
  const env = quietEnvironment();
  const seen: Record<string, EvaluationMetrics> = {};
  for (const [active, asked] of [['cpu', 'wasm'], ['wasm', 'cpu']] as const) {
    await select(active); // what the previous activity of another spec left behind
    let during: string | undefined;
    env.on('heartbeat', () => (during = tf.getBackend()));
    seen[asked] = await env.run(evaluate, { model: modelRef, data, backend: asked });
    env.removeAllListeners('heartbeat');
    expect({ active, asked, evaluatedOn: during }).toEqual({ active, asked, evaluatedOn: asked });
  }
  expect(switches.filter((l) => /switched for a spec asking for "wasm"/.test(l))).not.toHaveLength(0);
  // Same model, same images: the two backends agree to float32 rounding of a 144x4 dense layer.
  expect(seen.wasm!.accuracy).toBe(seen.cpu!.accuracy);
  expect(Math.abs(seen.wasm!.loss - seen.cpu!.loss)).toBeLessThan(1e-5);
});

it('convert writes the same bytes whichever tfjs backend holds the weights', async () => {
  const convert = createConvert(artifacts, datasets);
  const env = quietEnvironment();
  const select = createBackendSelector(() => undefined);
  const shas: string[] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    await select(backend);
    const out: ConvertedModelRef = await env.run(convert, { model: modelRef, variant: 'float32' as const, data, quantization: DEFAULT_QUANTIZATION, seed: 1 });
    shas.push(out.tflite.sha256);
  }
  expect(shas[1]).toBe(shas[0]);
});

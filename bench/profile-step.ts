/**
 * Where a training step's time goes on tfjs-node: runs the epoch loop on MNIST and
 * times every TensorFlow op the binding executes (tfjs-node's binding.executeOp is
 * wrapped: one TFE_Execute each), so the step splits into time inside TensorFlow per
 * op and time outside it (tfjs' engine, gradient tape, batch gathering, JavaScript).
 *
 *   npx tsx bench/profile-step.ts [--arch cnn] [--samples 6400] [--batch 64]
 *
 * Prints ms per step: total, inside TensorFlow, outside, and the top ops by time.
 */
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { initTrainingBackend } from '../ml/backend';
import { imageSetBatches } from '../ml/data/batches';
import { sliceImageSet } from '../ml/data/image-set';
import { loadMnist } from '../ml/data/mnist';
import { runEpochs } from '../ml/loop/epoch-loop';
import { createModel } from '../ml/models';

interface Binding {
  executeOp(name: string, attrs: unknown[], inputIds: number[], n: number): unknown;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { arch: { type: 'string', default: 'cnn' }, samples: { type: 'string', default: '6400' }, batch: { type: 'string', default: '64' } } });
  await initTrainingBackend('tensorflow');
  const arch = values.arch as 'mlp' | 'cnn';
  const batchSize = Number(values.batch);
  const data = sliceImageSet(loadMnist().train, 0, Number(values.samples));
  const model = createModel(arch, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  await runEpochs(model, imageSetBatches(sliceImageSet(data, 0, batchSize * 10)), { epochs: 1, batchSize, seed: 1 }); // warm-up

  const backend = tf.backend() as unknown as { binding: Binding };
  const binding = backend.binding;
  const original = binding.executeOp.bind(binding);
  const perOp = new Map<string, { ms: number; calls: number }>();
  // The binding object is frozen: the backend gets a copy of it whose executeOp is timed.
  const timed: Binding['executeOp'] = (name, attrs, inputs, n) => {
    const start = performance.now();
    try {
      return original(name, attrs, inputs, n);
    } finally {
      const entry = perOp.get(name) ?? { ms: 0, calls: 0 };
      entry.ms += performance.now() - start;
      entry.calls++;
      perOp.set(name, entry);
    }
  };
  const descriptors = Object.getOwnPropertyDescriptors(binding);
  backend.binding = Object.create(Object.getPrototypeOf(binding) as object, { ...descriptors, executeOp: { value: timed } }) as Binding;
  const start = performance.now();
  const result = await runEpochs(model, imageSetBatches(data), { epochs: 1, batchSize, seed: 2 });
  const totalMs = performance.now() - start;
  backend.binding = binding;

  const steps = Math.ceil(data.count / batchSize);
  const insideMs = [...perOp.values()].reduce((a, e) => a + e.ms, 0);
  const calls = [...perOp.values()].reduce((a, e) => a + e.calls, 0);
  const lines = [
    `${arch}, batch ${batchSize}, ${steps} steps, step runner ${result.method}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`,
    `per step: ${(totalMs / steps).toFixed(2)} ms total, ${(insideMs / steps).toFixed(2)} ms inside TensorFlow ops (${(calls / steps).toFixed(0)} ops), ${((totalMs - insideMs) / steps).toFixed(2)} ms outside (tfjs engine and tape, batch gathering, JS)`,
    '',
    '| TensorFlow op | ms per step | calls per step | share of step |',
    '|---|---:|---:|---:|',
    ...[...perOp.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 15)
      .map(([name, e]) => `| ${name} | ${(e.ms / steps).toFixed(3)} | ${(e.calls / steps).toFixed(1)} | ${((100 * e.ms) / totalMs).toFixed(1)}% |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

/**
 * Where a training step's time goes on tfjs-node: runs the epoch loop on MNIST and
 * times every TensorFlow op the binding executes (tfjs-node's binding.executeOp is
 * wrapped: one TFE_Execute each), so the step splits into time inside TensorFlow per
 * op and time outside it (tfjs' engine, gradient tape, batch gathering, JavaScript).
 * With the compiled step (ml/compiled), the one session call per step is traced
 * (RunMetadata step stats): its wall time, the summed time of the graph's ops by op
 * type after Grappler's rewrites (fused ops show as such), and the time outside it.
 *
 *   npx tsx bench/profile-step.ts [--arch cnn] [--samples 6400] [--batch 64] [--runner compiled|stepwise]
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
import { nodeStats, opType, stepProfiler } from '../ml/compiled/step-stats';
import { runEpochs } from '../ml/loop/epoch-loop';
import { createModel } from '../ml/models';

interface Binding {
  executeOp(name: string, attrs: unknown[], inputIds: number[], n: number): unknown;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { arch: { type: 'string', default: 'cnn' }, samples: { type: 'string', default: '6400' }, batch: { type: 'string', default: '64' }, runner: { type: 'string', default: 'compiled' } },
  });
  if (values.runner !== 'compiled' && values.runner !== 'stepwise') throw new Error(`--runner must be compiled or stepwise, got ${values.runner}`);
  const runner = { compiled: values.runner === 'compiled' };
  await initTrainingBackend('tensorflow');
  const arch = values.arch as 'mlp' | 'cnn';
  const batchSize = Number(values.batch);
  const data = sliceImageSet(loadMnist().train, 0, Number(values.samples));
  const model = createModel(arch, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  await runEpochs(model, imageSetBatches(sliceImageSet(data, 0, batchSize * 10)), { epochs: 1, batchSize, seed: 1, runner }); // warm-up

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
  // The compiled step's session calls: wall time, and each graph op's time by op type.
  let sessionMs = 0;
  const graphOps = new Map<string, { ms: number; calls: number }>();
  stepProfiler.onStep = (metadata, ms) => {
    sessionMs += ms;
    for (const stat of nodeStats(metadata)) {
      const type = opType(stat);
      if (type === '_SOURCE' || type === '_SINK') continue;
      const entry = graphOps.get(type) ?? { ms: 0, calls: 0 };
      entry.ms += stat.opMicros / 1000;
      entry.calls++;
      graphOps.set(type, entry);
    }
  };
  const start = performance.now();
  const result = await runEpochs(model, imageSetBatches(data), { epochs: 1, batchSize, seed: 2, runner });
  const totalMs = performance.now() - start;
  backend.binding = binding;
  delete stepProfiler.onStep;

  const steps = Math.ceil(data.count / batchSize);
  const insideMs = [...perOp.values()].reduce((a, e) => a + e.ms, 0);
  const calls = [...perOp.values()].reduce((a, e) => a + e.calls, 0);
  const table = (ops: Map<string, { ms: number; calls: number }>, what: string): string[] => [
    '',
    `| ${what} | ms per step | calls per step | share of step |`,
    '|---|---:|---:|---:|',
    ...[...ops.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 15)
      .map(([name, e]) => `| ${name} | ${(e.ms / steps).toFixed(3)} | ${(e.calls / steps).toFixed(1)} | ${((100 * e.ms) / totalMs).toFixed(1)}% |`),
  ];
  const per = (ms: number): string => (ms / steps).toFixed(2);
  const graphMs = [...graphOps.values()].reduce((a, e) => a + e.ms, 0);
  const graphCalls = [...graphOps.values()].reduce((a, e) => a + e.calls, 0);
  const lines = [
    `${arch}, batch ${batchSize}, ${steps} steps, step runner ${result.method}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`,
    ...(result.method === 'compiled'
      ? [
          `per step: ${per(totalMs)} ms total; the session call ${per(sessionMs)} ms (its ${(graphCalls / steps).toFixed(0)} graph ops sum to ${per(graphMs)} ms, ` +
            `more than the call when ops run in parallel); outside it ${per(totalMs - sessionMs)} ms, of which ${per(insideMs)} ms in ${(calls / steps).toFixed(0)} eager ops ` +
            '(batch gathering, running loss sums) and the rest JavaScript (feeding the batch, tracing)',
          ...table(graphOps, 'graph op (after Grappler)'),
          ...table(perOp, 'eager op outside the graph'),
        ]
      : [
          `per step: ${per(totalMs)} ms total, ${per(insideMs)} ms inside TensorFlow ops (${(calls / steps).toFixed(0)} ops), ${per(totalMs - insideMs)} ms outside (tfjs engine and tape, batch gathering, JS)`,
          ...table(perOp, 'TensorFlow op'),
        ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

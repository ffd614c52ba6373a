/**
 * One training measurement in its own process (so its peak RSS is its own), run
 * by bench/train.ts. Prints one line `RESULT {json}` on stdout.
 *
 *   speed:  warm-up, then the best of `--epochs` timed epochs with stock model.fit
 *           and with liteship's epoch loop (ml/loop/epoch-loop.ts), on the same model and data.
 *   memory: the epoch loop for `--epochs` epochs, RSS (after a full GC) and tensor count after each epoch.
 *
 * Usage: node --expose-gc --import tsx bench/train-worker.ts --backend wasm --arch cnn [--mode speed|memory]
 *        [--samples 60000] [--epochs 1] [--data mnist|random]
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { initTrainingBackend } from '../ml/backend';
import type { BackendPreference } from '../ml/backend';
import { tensorBatches } from '../ml/data/batches';
import { runEpochs } from '../ml/loop/epoch-loop';
import { loadMnist } from '../ml/data/mnist';
import { toInputTensor, toLabelTensor } from '../ml/data/tensors';
import type { Architecture } from '../ml/models';
import { createModel } from '../ml/models';

export const BATCH_SIZE: Record<Architecture, number> = { mlp: 128, cnn: 64 };
const WARMUP_BATCHES = 20;

export interface SpeedResult {
  mode: 'speed';
  backend: string;
  backendDescription: string;
  arch: Architecture;
  samples: number;
  fitSamplesPerSec: number;
  fastSamplesPerSec: number;
  /** The loop's step runner (ml/loop/step-runners.ts StepMethod), e.g. native-dense on tfjs-node for the MLP. */
  fastMethod: string;
  /** When the loop ran the compiled graph step: the same loop with it off (the step-by-step runner it falls back to). */
  stepwiseSamplesPerSec?: number;
  stepwiseMethod?: string;
  peakRssMb: number;
}

export interface MemoryResult {
  mode: 'memory';
  backend: string;
  arch: Architecture;
  samples: number;
  rssMbAfterEpoch: number[];
  tensorsAfterEpoch: number[];
  peakRssMb: number;
}

function data(kind: string, samples: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  if (kind === 'random') {
    return tf.tidy(() => ({
      xs: tf.randomUniform([samples, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D,
      ys: tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 2) as tf.Tensor1D, 10) as tf.Tensor2D,
    }));
  }
  const { train } = loadMnist();
  if (samples > train.count) throw new Error(`--samples ${samples}: MNIST has only ${train.count} training images`);
  return { xs: toInputTensor(train, 0, samples), ys: toLabelTensor(train, 0, samples) };
}

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

async function speed(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  batchSize: number,
  epochs: number,
): Promise<{ fit: number; fast: number; method: string; stepwise?: { rate: number; method: string } }> {
  const count = xs.shape[0]!;
  const warm = Math.min(count, WARMUP_BATCHES * batchSize);
  const [wx, wy] = [xs.slice(0, warm), ys.slice(0, warm)];
  await model.fit(wx, wy, { batchSize, epochs: 1, verbose: 0 });
  let fit = 0;
  for (let e = 0; e < epochs; e++) {
    const start = performance.now();
    await model.fit(xs, ys, { batchSize, epochs: 1, shuffle: true, verbose: 0 });
    fit = Math.max(fit, count / ((performance.now() - start) / 1000));
  }
  await runEpochs(model, tensorBatches(wx, wy), { batchSize, epochs: 1, seed: 1 });
  const fast = await runEpochs(model, tensorBatches(xs, ys), { batchSize, epochs, seed: 2 });
  let stepwise: { rate: number; method: string } | undefined;
  if (fast.method === 'compiled') {
    const runner = { compiled: false };
    await runEpochs(model, tensorBatches(wx, wy), { batchSize, epochs: 1, seed: 1, runner });
    const slow = await runEpochs(model, tensorBatches(xs, ys), { batchSize, epochs, seed: 2, runner });
    stepwise = { rate: Math.max(...slow.epochs.map((e) => e.samplesPerSec)), method: slow.method };
  }
  tf.dispose([wx, wy]);
  return { fit, fast: Math.max(...fast.epochs.map((e) => e.samplesPerSec)), method: fast.method, ...(stepwise ? { stepwise } : {}) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string' },
      arch: { type: 'string' },
      mode: { type: 'string', default: 'speed' },
      samples: { type: 'string', default: '60000' },
      epochs: { type: 'string', default: '1' },
      data: { type: 'string', default: 'mnist' },
    },
  });
  const arch = values.arch as Architecture;
  if (!(arch in BATCH_SIZE)) throw new Error(`--arch must be mlp or cnn, got ${values.arch}`);
  const samples = Number(values.samples);
  const epochs = Number(values.epochs);
  const info = await initTrainingBackend(values.backend as BackendPreference);
  const { xs, ys } = data(values.data!, samples);
  const model = createModel(arch, { inputShape: [28, 28, 1], numClasses: 10, seed: 42 });
  const batchSize = BATCH_SIZE[arch];

  let result: SpeedResult | MemoryResult;
  if (values.mode === 'memory') {
    const rssMbAfterEpoch: number[] = [];
    const tensorsAfterEpoch: number[] = [];
    await runEpochs(model, tensorBatches(xs, ys), { batchSize, epochs, seed: 3 }, {
      onEpochEnd: () => {
        // Collect garbage first (the worker runs with --expose-gc): a leak is memory still
        // held, not garbage the next collection would free.
        (globalThis as { gc?: () => void }).gc?.();
        rssMbAfterEpoch.push(process.memoryUsage().rss / 2 ** 20);
        tensorsAfterEpoch.push(tf.memory().numTensors);
      },
    });
    result = { mode: 'memory', backend: info.name, arch, samples, rssMbAfterEpoch, tensorsAfterEpoch, peakRssMb: peakRssMb() };
  } else {
    const { fit, fast, method, stepwise } = await speed(model, xs, ys, batchSize, epochs);
    const description = info.native ? `TensorFlow ${info.native.tensorflowVersion}` : info.wasm ? `simd ${info.wasm.simd}, ${info.wasm.threads} thread(s)` : '';
    result = { mode: 'speed', backend: info.name, backendDescription: description, arch, samples, fitSamplesPerSec: fit, fastSamplesPerSec: fast, fastMethod: method,
      ...(stepwise ? { stepwiseSamplesPerSec: stepwise.rate, stepwiseMethod: stepwise.method } : {}), peakRssMb: peakRssMb() };
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

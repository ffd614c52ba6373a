/**
 * One product-path training run for bench/release.ts, in its own process: what the
 * train activity does (activities/train.ts) without the object store: create the
 * model, trainModel on the prepared image set with a checkpoint (weights and Adam
 * state serialized) after every epoch, then serialize the trained model.
 * Prints one line `RESULT {json}`.
 *
 * Usage: node --import tsx bench/release-worker.ts --arch mlp|cnn|dwsep|mobilenet --epochs 5 --batch 32 [--samples 60000] [--backend tensorflow]
 * (mobilenet: ml/architectures' mobilenet-v2 at alpha 0.35 on MNIST padded to 32x32 and repeated over 3 channels.)
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { initTrainingBackend } from '../ml/backend';
import type { BackendPreference } from '../ml/backend';
import { loadMnist } from '../ml/data/mnist';
import { sliceImageSet, type ImageSet } from '../ml/data/image-set';
import { mobileNetV2 } from '../ml/architectures/mobilenet-v2';
import { createModel, compileModel } from '../ml/models';
import { serializeModel } from '../ml/model-io';
import { trainModel } from '../ml/train';

export interface ReleaseRunResult {
  arch: string;
  backend: string;
  method: string;
  seconds: number;
  samplesPerSec: number;
  epochSeconds: number[];
  finalAccuracy: number;
  rssMbAfterEpoch: number[];
}

/** MobileNet-style depthwise-separable blocks (the same as keras_release_bench.py's dwsep). */
function depthwiseSeparableCnn(seed: number): tf.LayersModel {
  let next = 0;
  const init = (): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: seed + next++ });
  const model = tf.sequential({
    name: 'liteship_dwsep',
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, activation: 'relu', depthwiseInitializer: init() }),
      tf.layers.conv2d({ filters: 32, kernelSize: 1, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, activation: 'relu', depthwiseInitializer: init() }),
      tf.layers.conv2d({ filters: 64, kernelSize: 1, activation: 'relu', kernelInitializer: init() }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
  compileModel(model, 0.001);
  return model;
}

/** MNIST digits centred in 32x32 and repeated over 3 channels: the smallest input mobilenet-v2 takes. */
function padToRgb32(set: ImageSet): ImageSet {
  const images = new Uint8Array(set.count * 32 * 32 * 3);
  for (let n = 0; n < set.count; n++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = set.images[n * 784 + y * 28 + x]!;
        const at = ((n * 32 + y + 2) * 32 + x + 2) * 3;
        images[at] = images[at + 1] = images[at + 2] = v;
      }
    }
  }
  return { ...set, images, imageShape: [32, 32, 3] };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string' },
      epochs: { type: 'string' },
      batch: { type: 'string' },
      samples: { type: 'string', default: '60000' },
      backend: { type: 'string', default: 'tensorflow' },
    },
  });
  const arch = values.arch!;
  if (!['mlp', 'cnn', 'dwsep', 'mobilenet'].includes(arch)) throw new Error(`--arch must be mlp, cnn, dwsep or mobilenet, got ${arch}`);
  const epochs = Number(values.epochs);
  const batchSize = Number(values.batch);
  const info = await initTrainingBackend(values.backend as BackendPreference);
  const { train } = loadMnist();
  const mnist = sliceImageSet(train, 0, Number(values.samples));
  const data = arch === 'mobilenet' ? padToRgb32(mnist) : mnist;
  const rssMbAfterEpoch: number[] = [];

  const start = performance.now();
  let model: tf.LayersModel;
  if (arch === 'dwsep') model = depthwiseSeparableCnn(42);
  else if (arch === 'mobilenet') {
    model = mobileNetV2({ inputShape: [32, 32, 3], numClasses: 10, seed: 42, alpha: 0.35 });
    compileModel(model, 0.001);
  } else model = createModel(arch as 'mlp' | 'cnn', { inputShape: [28, 28, 1], numClasses: 10, seed: 42 });
  const history = await trainModel(model, data, { epochs, batchSize, seed: 42 }, {
    onEpochEnd: async () => {
      await serializeModel(model, { includeOptimizer: true }); // the per-epoch checkpoint
      rssMbAfterEpoch.push(process.memoryUsage().rss / 2 ** 20);
    },
  });
  await serializeModel(model, { includeOptimizer: false });
  const seconds = (performance.now() - start) / 1000;
  const result: ReleaseRunResult = {
    arch,
    backend: info.name,
    method: history.method,
    seconds,
    samplesPerSec: (data.count * epochs) / seconds,
    epochSeconds: history.epochs.map((e) => e.durationMs / 1000),
    finalAccuracy: history.epochs[history.epochs.length - 1]?.accuracy ?? NaN,
    rssMbAfterEpoch,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

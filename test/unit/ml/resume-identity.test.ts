/** @jest-environment ./test/support/native-realm-environment.js */
// Crash-resume and repeat identity on the product path (tfjs-node): a run stopped
// after epoch 1 and resumed from its checkpoint ends with the same weights and the
// same float32.tflite, bit for bit, as the uninterrupted run; two runs with the same
// seed match each other. Covers the native Dense step (MLP) and the tape step with
// TensorFlow's Adam (CNN). Skipped when the native addon is not built
// (`bash scripts/setup-tfjs-node.sh`).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { compileModel, createModel, deserializeModel, loadMnist, pruneOnExamples, serializeModel, sliceImageSet, sparsityReport, trainModel } from '../../../ml';
import type { Architecture, ImageSet } from '../../../ml';
import { initTrainingBackend } from '../../../ml/backend';
import { convertVariant } from '../../../tflite/variants';

jest.setTimeout(180_000);

const addonBuilt = (() => {
  const libDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-node/package.json')), 'lib');
  return fs.existsSync(libDir) && fs.readdirSync(libDir).some((d) => fs.existsSync(path.join(libDir, d, 'tfjs_binding.node')));
})();
const describeNative = addonBuilt ? describe : describe.skip;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function fingerprint(model: tf.LayersModel): Promise<{ weights: string; tflite: string }> {
  const hash = createHash('sha256');
  for (const w of model.getWeights()) hash.update(new Uint8Array((w.dataSync() as Float32Array).slice().buffer));
  return { weights: hash.digest('hex'), tflite: sha256((await convertVariant(model, 'float32')).bytes) };
}

interface Recipe {
  arch: Architecture;
  samples: number;
  batchSize: number;
  method: string;
}

// A few thousand MNIST images, 2 epochs: cheap, yet enough Adam steps (64 and 16 per epoch) to drift if any state were lost.
const RECIPES: Recipe[] = [
  { arch: 'mlp', samples: 2048, batchSize: 32, method: 'native-dense' },
  { arch: 'cnn', samples: 1024, batchSize: 64, method: 'tape+native-adam' },
];

describeNative('resume and repeat identity on tfjs-node', () => {
  let train: ImageSet;
  beforeAll(async () => {
    await initTrainingBackend('tensorflow');
    train = loadMnist().train;
  });

  test.each(RECIPES)('$arch ($method): resumed run = uninterrupted run = a second run', async ({ arch, samples, batchSize, method }) => {
    const data = sliceImageSet(train, 0, samples);
    const options = { epochs: 2, batchSize, seed: 7 };
    const fresh = (): tf.LayersModel => createModel(arch, { inputShape: data.imageShape, numClasses: data.numClasses, seed: 7 });

    const straight = fresh();
    const history = await trainModel(straight, data, options);
    expect(history.method).toBe(method);
    const expected = await fingerprint(straight);

    const again = fresh();
    await trainModel(again, data, options);
    expect(await fingerprint(again)).toEqual(expected);

    // Crash after epoch 1's checkpoint (the train activity checkpoints in onEpochEnd), then resume from it.
    const interrupted = fresh();
    let checkpoint: Uint8Array | undefined;
    let weightsOnly: Uint8Array | undefined;
    const crash = new AbortController();
    await expect(
      trainModel(interrupted, data, { ...options, signal: crash.signal }, {
        onEpochEnd: async ({ epoch }) => {
          checkpoint = await serializeModel(interrupted, { includeOptimizer: true });
          weightsOnly = await serializeModel(interrupted, { includeOptimizer: false });
          if (epoch === 0) crash.abort(new Error('worker crashed'));
        },
      }),
    ).rejects.toThrow('worker crashed');
    const resumed = await deserializeModel(checkpoint!);
    const resumedHistory = await trainModel(resumed, data, { ...options, initialEpoch: 1 });
    expect(resumedHistory.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(await fingerprint(resumed)).toEqual(expected);

    // Control: without the optimizer state (fresh Adam moments) the resumed run ends elsewhere.
    const restarted = await deserializeModel(weightsOnly!);
    await trainModel(restarted, data, { ...options, initialEpoch: 1 });
    expect((await fingerprint(restarted)).weights).not.toBe(expected.weights);

    [straight, again, interrupted, resumed, restarted].forEach((m) => m.dispose());
  });

  test('pruning (native Dense step, masks on TensorFlow variables): resumed run = uninterrupted run', async () => {
    const data = sliceImageSet(train, 0, 2048);
    const trained = createModel('mlp', { inputShape: data.imageShape, numClasses: data.numClasses, seed: 3 });
    await trainModel(trained, data, { epochs: 1, batchSize: 64, seed: 3 });
    const start = await serializeModel(trained, { includeOptimizer: false });
    const options = { targetSparsity: 0.75, epochs: 2, batchSize: 64, frequency: 10, blockSize: 4, seed: 3 };
    const fineTuning = async (): Promise<tf.LayersModel> => {
      const model = await deserializeModel(start);
      compileModel(model, 0.001);
      return model;
    };

    const whole = await fineTuning();
    const result = await pruneOnExamples(whole, data, options);
    expect(result.report.map((r) => r.sparsity)).toEqual([0.75, 0.75]);
    const expected = await fingerprint(whole);

    const interrupted = await fineTuning();
    const crash = new AbortController();
    let checkpoint: Uint8Array | undefined;
    await expect(
      pruneOnExamples(interrupted, data, { ...options, signal: crash.signal }, {
        onEpochEnd: async () => {
          checkpoint = await serializeModel(interrupted, { includeOptimizer: true });
          crash.abort(new Error('worker crashed'));
        },
      }),
    ).rejects.toThrow('worker crashed');
    // Mid-schedule: the checkpoint already holds pruned kernels.
    expect(sparsityReport(interrupted).every((r) => r.sparsity > 0)).toBe(true);
    const resumed = await deserializeModel(checkpoint!);
    await pruneOnExamples(resumed, data, { ...options, initialEpoch: 1 });
    expect(await fingerprint(resumed)).toEqual(expected);
    [trained, whole, interrupted, resumed].forEach((m) => m.dispose());
  });
});

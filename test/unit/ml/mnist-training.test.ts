// The real data end to end on a slice small enough for the pure-JS backend:
// load -> encode/decode -> train -> evaluate -> serialize -> score again.
import * as tf from '@tensorflow/tfjs';
import {
  createModel,
  deserializeModel,
  evaluateModel,
  loadMnist,
  scoreClassifier,
  serializeModel,
  sliceImageSet,
  trainModel,
} from '../../../ml';

jest.setTimeout(60_000);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('an MLP trained on 512 MNIST images beats chance by far, and its blob scores the same', async () => {
  const full = loadMnist();
  const ds = { train: sliceImageSet(full.train, 0, 512), test: sliceImageSet(full.test, 0, 200) };
  const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const history = await trainModel(model, ds.train, { epochs: 2, batchSize: 32, seed: 1 });
  expect(history.epochs[1]!.loss).toBeLessThan(history.epochs[0]!.loss);

  const metrics = await evaluateModel(model, ds.test);
  expect(metrics.count).toBe(200);
  expect(metrics.accuracy).toBeGreaterThan(0.7);
  expect(metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(200);

  // Scoring the reloaded model one image at a time (as the interpreter does) agrees exactly.
  const reloaded = await deserializeModel(await serializeModel(model, { includeOptimizer: false }));
  const perImage = await scoreClassifier(
    (x, n) => tf.tidy(() => (reloaded.predict(tf.tensor4d(x, [n, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array),
    ds.test,
    1,
  );
  expect(perImage.confusionMatrix).toEqual(metrics.confusionMatrix);
  expect(perImage.loss).toBeCloseTo(metrics.loss, 4);
  model.dispose();
  reloaded.dispose();
});

/** A tiny MNIST release spec (a few thousand images, 1 epoch): a real release in well under a minute. */
import { loadMnist, sliceImageSet } from '../../ml';
import { idxDataSpec } from './idx-files';

export function tinyMnistSpec(dir: string, model: string, extra: Record<string, unknown> = {}) {
  const mnist = loadMnist();
  return {
    model,
    architecture: 'mlp',
    data: idxDataSpec(dir, sliceImageSet(mnist.train, 0, 3000), sliceImageSet(mnist.test, 0, 1000)),
    training: { epochs: 1, batchSize: 32, seed: 5 },
    // The float model of 3000 images scores about 85-90%: a budget that always passes keeps the test about the report.
    gate: { maxAccuracyDropPoints: 5 },
    ...extra,
  };
}

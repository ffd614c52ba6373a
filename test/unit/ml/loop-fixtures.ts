// Models, data and weight comparisons shared by the epoch-loop tests (wasm and tfjs-node).
import * as tf from '@tensorflow/tfjs';

/** A small CNN (conv, pool, dense) with fixed initial weights, compiled like liteship's models. */
export function smallCnn(loss = 'categoricalCrossentropy'): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss, metrics: ['accuracy'] });
  return model;
}

/** 3 classes told apart by which third of the image is bright: learnable in a few epochs. */
export function brightThirds(count: number): { xs: tf.Tensor4D; ys: tf.Tensor2D; labels: tf.Tensor1D } {
  return tf.tidy(() => {
    const labels = tf.tensor1d(Array.from({ length: count }, (_, i) => i % 3), 'int32');
    const noise = tf.randomUniform([count, 8, 8, 1], 0, 0.3, 'float32', 7);
    const column = tf.range(0, 8).div(8 / 3).floor().reshape([1, 1, 8, 1]);
    const bright = tf.equal(column, labels.reshape([count, 1, 1, 1]).cast('float32')).cast('float32');
    return { xs: noise.add(bright) as tf.Tensor4D, ys: tf.oneHot(labels, 3) as tf.Tensor2D, labels };
  });
}

export function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

export function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![j]!)))));
  return worst;
}

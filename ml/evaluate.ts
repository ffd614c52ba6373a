// Test-set metrics. `scoreClassifier` only needs a function from a batch of
// normalized images to class probabilities, so the same math scores the
// tfjs model here and the .tflite in the native interpreter (benchmark step).
import * as tf from '@tensorflow/tfjs';
import { memorySource, range, type ExampleSource } from './data/batch-source';
import { imageSize } from './data/image-set';
import type { ImageSet } from './data/image-set';
import { normalizePixels } from './data/tensors';

/**
 * Maps `n` images (n * h * w * c floats in [0, 1], row-major NHWC) to their
 * n * numClasses class probabilities. The `images` buffer is reused for the
 * next batch: copy it if it must outlive the call.
 */
export type PredictBatch = (images: Float32Array, n: number) => Float32Array | Promise<Float32Array>;

export interface ClassifierScore {
  /** Mean categorical cross-entropy of the predicted probabilities (clipped like Keras, eps 1e-7). */
  loss: number;
  accuracy: number;
  /** Accuracy per true class; NaN (null in JSON) for a class with no test examples. */
  perClassAccuracy: number[];
  /** confusionMatrix[trueClass][predictedClass] = count. */
  confusionMatrix: number[][];
  count: number;
  /** The first MAX_MISTAKES misclassified images (test-set index, true and predicted class), in order. */
  mistakes: Array<{ index: number; label: number; predicted: number }>;
}

/** How many misclassified images a score keeps: a sample to look at, not a list of all. */
export const MAX_MISTAKES = 48;

export type EvaluationResult = ClassifierScore;

const EPSILON = 1e-7;
/** Give the event loop (heartbeats) a turn at least this often. */
const YIELD_EVERY_MS = 50;

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Class with the highest score (first one on ties, like tf.argMax). */
export function argMax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let k = 0; k < length; k++) {
    const v = values[offset + k] ?? -Infinity;
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  return best;
}

/** Accumulates predictions; exported so callers can score streams themselves. */
export class ConfusionAccumulator {
  readonly matrix: number[][];
  private lossSum = 0;
  private seen = 0;
  private readonly mistakes: ClassifierScore['mistakes'] = [];

  constructor(readonly numClasses: number) {
    this.matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  }

  /**
   * Adds n rows of probabilities whose true labels are labels[0 .. n), for the test images
   * firstIndex .. firstIndex + n (the index a mistake is recorded under).
   */
  add(probabilities: Float32Array, labels: Uint8Array, n: number, firstIndex: number): void {
    const k = this.numClasses;
    if (probabilities.length !== n * k) {
      throw new Error(`predictBatch returned ${probabilities.length} values for ${n} images; expected ${n * k} (${k} classes each)`);
    }
    for (let i = 0; i < n; i++) {
      const label = labels[i] ?? 0;
      const predicted = argMax(probabilities, i * k, k);
      const row = this.matrix[label];
      if (row) row[predicted] = (row[predicted] ?? 0) + 1;
      if (predicted !== label && this.mistakes.length < MAX_MISTAKES) this.mistakes.push({ index: firstIndex + i, label, predicted });
      let sum = 0;
      for (let c = 0; c < k; c++) sum += probabilities[i * k + c] ?? 0;
      const p = (probabilities[i * k + label] ?? 0) / (sum > 0 ? sum : 1);
      this.lossSum -= Math.log(Math.min(Math.max(p, EPSILON), 1 - EPSILON));
    }
    this.seen += n;
  }

  result(): ClassifierScore {
    let correct = 0;
    const perClassAccuracy = this.matrix.map((row, c) => {
      const total = row.reduce((a, b) => a + b, 0);
      correct += row[c] ?? 0;
      return total === 0 ? NaN : (row[c] ?? 0) / total;
    });
    return {
      loss: this.seen === 0 ? NaN : this.lossSum / this.seen,
      accuracy: this.seen === 0 ? NaN : correct / this.seen,
      perClassAccuracy,
      confusionMatrix: this.matrix.map((row) => [...row]),
      count: this.seen,
      mistakes: this.mistakes.map((m) => ({ ...m })),
    };
  }
}

/** Scores any classifier on `test`, batchSize images per predictBatch call. */
export async function scoreClassifier(
  predictBatch: PredictBatch,
  data: ImageSet | ExampleSource,
  batchSize = 1,
): Promise<ClassifierScore> {
  const test = 'batch' in data ? data : memorySource(data);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const size = imageSize(test.imageShape);
  const acc = new ConfusionAccumulator(test.numClasses);
  // One input buffer for the whole run: batch 1 over 10,000 images allocates nothing per image.
  const buffer = new Float32Array(batchSize * size);
  let lastYield = Date.now();
  for (let start = 0; start < test.count; start += batchSize) {
    const n = Math.min(batchSize, test.count - start);
    const input = n === batchSize ? buffer : buffer.subarray(0, n * size);
    // Sequential reads: a streaming source walks its shards once, in order.
    const examples = await test.batch(range(start, start + n));
    normalizePixels(examples.images, input, 0, n * size);
    const probabilities = await predictBatch(input, n);
    acc.add(probabilities, examples.labels, n, start);
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
  }
  return acc.result();
}

/** Evaluates a tfjs model (compiled or not) on `test`. */
export async function evaluateModel(model: tf.LayersModel, test: ImageSet | ExampleSource, batchSize = 256): Promise<EvaluationResult> {
  const shape = test.imageShape;
  const expects = model.inputs[0]?.shape.slice(1).join('x');
  const outputs = model.outputs[0]?.shape[1];
  if (expects !== shape.join('x') || outputs !== test.numClasses) {
    throw new RangeError(
      `the model maps ${expects} inputs to ${outputs} classes but the test set has ${shape.join('x')} images in ${test.numClasses} classes`,
    );
  }
  return scoreClassifier(
    async (images, n) => {
      const probabilities = tf.tidy(() => model.predict(tf.tensor4d(images, [n, ...shape])) as tf.Tensor);
      try {
        return (await probabilities.data()) as Float32Array;
      } finally {
        probabilities.dispose();
      }
    },
    test,
    batchSize,
  );
}

/**
 * benchmark: the .tflite in the native TFLite interpreter (tfjs-tflite-node): size, load time,
 * first inference, warm latency percentiles at batch 1, and accuracy on the full test set,
 * which must agree with the tfjs model's within the spec's gap.
 */
import { gzipSync } from 'node:zlib';
import { FailureType, type ArtifactRef, type BenchmarkReport, type BenchmarkSpec, type FailureDeclaration, type LatencyFigures, type ModelVariant, type PreparedDataRef } from '../contracts';
import { imageSize, normalizePixels, scoreClassifier } from '../ml';
import { measureModelMemory } from '../tflite/runtimes/memory';
import { loadInterpreter, TFJS_TFLITE_NODE as TFLITE_NODE_RUNTIME } from '../tflite/runtimes/tfjs-tflite-node';
import type { ArtifactIO } from './artifact-io';
import type { DatasetCache } from './dataset-cache';
import { latencyHistogram } from './latency-histogram';
import { percentile } from './percentile';

export { percentile } from './percentile';
import { faultPoint } from './fault-point';
import { keepAlive, type StageReporter } from './keep-alive';

export interface BenchmarkInput {
  variant: ModelVariant;
  tflite: ArtifactRef;
  data: PreparedDataRef;
  tfjsAccuracy: number;
  settings: BenchmarkSpec;
  /** float32 and pruned-float32: fail when the file's accuracy differs from its tfjs model's by more than the spec allows. */
  checkParity: boolean;
}

export class AccuracyParityError extends Error {
  override readonly name = 'AccuracyParityError';
  static readonly failure: FailureDeclaration = { type: FailureType.accuracyParity, retryable: false };
}

const msSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export function latencyFigures(samplesMs: number[]): LatencyFigures {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), p99Ms: percentile(sorted, 99), meanMs: mean, runs: sorted.length };
}

export function createBenchmark(artifacts: ArtifactIO, datasets: DatasetCache) {
  return (input: BenchmarkInput): Promise<BenchmarkReport> => keepAlive((stage) => runBenchmark(input, stage));

  async function runBenchmark({ variant, tflite, data, tfjsAccuracy, settings, checkParity }: BenchmarkInput, stage: StageReporter): Promise<BenchmarkReport> {
    stage(`benchmarking ${variant}`);
    await faultPoint('benchmark:start');
    const [bytes, dataset] = await Promise.all([artifacts.get(tflite), datasets.get(data.dataset)]);
    const test = dataset.test;

    const loadStart = process.hrtime.bigint();
    const interpreter = await loadInterpreter(bytes, { numThreads: settings.threads });
    const loadMs = msSince(loadStart);
    try {
      const inputShape = interpreter.inputs[0]!.shape;
      const pixels = imageSize(test.imageShape);
      const sample = normalizePixels((await test.batch([0])).images, new Float32Array(pixels), 0, pixels);

      const firstStart = process.hrtime.bigint();
      interpreter.predict(sample, inputShape);
      const firstInferenceMs = msSince(firstStart);

      for (let i = 0; i < settings.warmupRuns; i++) interpreter.predict(sample, inputShape);
      const samples: number[] = [];
      for (let i = 0; i < settings.runs; i++) {
        const start = process.hrtime.bigint();
        interpreter.predict(sample, inputShape);
        samples.push(msSince(start));
      }
      stage('latency done');

      let scored = 0;
      const metrics = await scoreClassifier(
        (images, n) => {
          const out: Float32Array[] = [];
          for (let i = 0; i < n; i++) out.push(interpreter.predict(images.subarray(i * pixels, (i + 1) * pixels), inputShape));
          if ((scored += n) % 1000 < n) stage('accuracy', { scored });
          return concat(out);
        },
        test,
        100,
      );

      const gapPoints = Math.abs(metrics.accuracy - tfjsAccuracy) * 100;
      if (checkParity && gapPoints > settings.maxAccuracyGapPoints) {
        throw new AccuracyParityError(
          `the .tflite scores ${(metrics.accuracy * 100).toFixed(2)}% on ${metrics.count} test images in ${TFLITE_NODE_RUNTIME.name} ` +
            `but the tfjs model scores ${(tfjsAccuracy * 100).toFixed(2)}%: a gap of ${gapPoints.toFixed(2)} points, over the allowed ` +
            `${settings.maxAccuracyGapPoints}. The conversion changed the model's answers: run \`liteship inspect\` on the file and report the model's layers.`,
        );
      }
      return {
        variant,
        runtime: { ...TFLITE_NODE_RUNTIME, threads: settings.threads },
        fileBytes: bytes.byteLength,
        gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
        loadMs,
        firstInferenceMs,
        latency: latencyFigures(samples),
        latencyHistogram: latencyHistogram(samples),
        memory: await measureModelMemory(bytes),
        tflite: metrics,
        tfjsAccuracy,
        accuracyGapPoints: gapPoints,
      };
    } finally {
      interpreter.dispose();
    }
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

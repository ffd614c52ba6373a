/**
 * convert: the trained tfjs model to one .tflite variant with liteship's own converter.
 * Full int8 is calibrated on a seeded, reproducible sample of training images run in the
 * native interpreter.
 */
import { Context } from '@temporalio/activity';
import {
  isPrunedVariant,
  quantizationOf,
  storageKeys,
  type ArtifactRef,
  type ConvertedModelRef,
  type ModelVariant,
  type PreparedDataRef,
  type QuantizationSpec,
} from '../contracts';
import { deserializeModel, imageSize, normalizePixels, PIXEL_SCALE, type ExampleSource, type ImageSet } from '../ml';
import { indexLabels, type ClassifierMetadataOptions } from '../tflite';
import { pickSampleIndices } from '../tflite/quantize/calibration';
import { loadInterpreter } from '../tflite/runtimes/tfjs-tflite-node';
import { convertVariant } from '../tflite/variants';
import type { ArtifactIO } from './artifact-io';
import type { DatasetCache } from './dataset-cache';
import { faultPoint } from './fault-point';
import { keepAlive } from './keep-alive';

export interface ConvertInput {
  /** The trained model, or the pruned one for `pruned-*` variants. */
  model: ArtifactRef;
  variant: ModelVariant;
  data: PreparedDataRef;
  quantization: QuantizationSpec;
  seed: number;
  /** What the file's TFLite metadata names: the release's model, version (when the spec fixes it) and description. */
  release?: { model: string; version?: string; description?: string };
}

/**
 * The TFLite Model Metadata every variant carries. The release version is claimed only at
 * publish, so a spec without an explicit version gets the trained model's content hash,
 * which identifies the weights exactly; the manifest maps it to the release version.
 */
export function classifierOptions(release: NonNullable<ConvertInput['release']>, data: PreparedDataRef, model: ArtifactRef): ClassifierMetadataOptions {
  return {
    name: release.model,
    version: release.version ?? `sha256:${model.sha256.slice(0, 12)}`,
    ...(release.description ? { description: release.description } : {}),
    author: 'liteship',
    imageShape: data.imageShape,
    pixelScale: PIXEL_SCALE,
    labels: data.labels ?? indexLabels(data.numClasses),
  };
}

/** Calibration samples: normalized exactly as training and evaluation see them, batch 1 each (the benches use the same). */
export function calibrationSamples(train: ImageSet, count: number, seed: number): Float32Array[][] {
  const size = imageSize(train.imageShape);
  return pickSampleIndices(train.count, count, seed).map((i) => [normalizePixels(train.images, new Float32Array(size), i * size, size)]);
}

/** The same samples read from a streaming source (only the picked images are fetched). */
export async function calibrationSamplesFrom(train: ExampleSource, count: number, seed: number): Promise<Float32Array[][]> {
  const size = imageSize(train.imageShape);
  const picks = pickSampleIndices(train.count, count, seed);
  const batch = await train.batch(picks);
  return picks.map((_, k) => [normalizePixels(batch.images, new Float32Array(size), k * size, size)]);
}

export function createConvert(artifacts: ArtifactIO, datasets: DatasetCache) {
  return ({ model: ref, variant, data, quantization, seed, release }: ConvertInput): Promise<ConvertedModelRef> => keepAlive(async (stage) => {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'unknown-workflow';
    stage(`converting ${variant}`);
    await faultPoint('convert:start');
    const model = await deserializeModel(await artifacts.get(ref));
    try {
      const encoding = quantizationOf(variant);
      const calibration =
        encoding === 'int8'
          ? { samples: await calibrationSamplesFrom((await datasets.get(data.dataset)).train, quantization.calibrationSamples, seed), load: loadInterpreter }
          : undefined;
      // A pruned model's zeros shrink the file itself where TFLite has a sparse kernel to read them.
      const file = await convertVariant(model, encoding, {
        calibration,
        int8Io: quantization.int8Io,
        sparseWeights: isPrunedVariant(variant),
        ...(release ? { classifier: classifierOptions(release, data, ref) } : {}),
      });
      const tflite = await artifacts.put(storageKeys.tflite(workflowId, variant), file.bytes);
      return { tflite, variant, converter: 'liteship', ...(file.io ? { io: file.io } : {}), ...(file.sparse ? { sparse: file.sparse } : {}) };
    } finally {
      model.dispose();
    }
  });
}

// The fixture folder the Python reference (tf_reference.py) consumes, written from a
// trained tfjs model: shared by export-tfjs-fixture.ts and bench/quantize.ts.
//   <dir>/model.json + weights.bin   tfjs layers format (as model.save('file://') writes it)
//   <dir>/calibration.npy            representative training images [N, h, w, c] float32,
//                                    picked with pickSampleIndices (what liteship's int8 uses)
//   <dir>/check_inputs.npy           the first few test images
//   <dir>/check_outputs.npy          tfjs's predictions on them (the Keras rebuild must match)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { imageSize, normalizePixels } from '../../ml';
import type { ImageSet } from '../../ml';
import { pickSampleIndices } from '../../tflite/quantize/calibration';
import { writeNpyFloat32 } from './npy';

export const CHECK_COUNT = 8;

export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData;
      const bytes = weights === undefined ? new Uint8Array() : new Uint8Array(Array.isArray(weights) ? await new Blob(weights).arrayBuffer() : weights);
      writeFileSync(join(dir, 'weights.bin'), bytes);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** The images at `indices`, normalized as training and evaluation see them, back to back. */
export function pickImages(set: ImageSet, indices: readonly number[]): Float32Array {
  const size = imageSize(set.imageShape);
  const out = new Float32Array(indices.length * size);
  indices.forEach((idx, k) => normalizePixels(set.images, out, idx * size, size, k * size));
  return out;
}


export interface FixtureResult {
  calibrationSamples: number;
}

/** Writes the fixture files into `dir` (created if missing). */
export async function writeFixture(
  model: tf.LayersModel,
  data: { train: ImageSet; test: ImageSet },
  dir: string,
  options: { calibration: number; seed: number },
): Promise<FixtureResult> {
  mkdirSync(dir, { recursive: true });
  await saveLayersModel(model, dir);
  const shape = data.train.imageShape;
  const calibration = pickSampleIndices(data.train.count, options.calibration, options.seed);
  writeNpyFloat32(join(dir, 'calibration.npy'), pickImages(data.train, calibration), [calibration.length, ...shape]);

  const checkIdx = Array.from({ length: Math.min(CHECK_COUNT, data.test.count) }, (_, i) => i);
  const checkInputs = pickImages(data.test, checkIdx);
  writeNpyFloat32(join(dir, 'check_inputs.npy'), checkInputs, [checkIdx.length, ...shape]);
  const predictions = tf.tidy(() => (model.predict(tf.tensor(checkInputs, [checkIdx.length, ...shape])) as tf.Tensor).dataSync() as Float32Array);
  writeNpyFloat32(join(dir, 'check_outputs.npy'), Float32Array.from(predictions), [checkIdx.length, data.test.numClasses]);
  return { calibrationSamples: calibration.length };
}

/**
 * Architectures beyond the built-ins, released end to end on the real stack (Temporal dev
 * server, MinIO, tfjs training, both TFLite runtimes): a `layers` list, a fine-tune of a
 * saved model with frozen layers, and mobilenet-v2 on 32x32x3 images. Every release's
 * files carry TFLite metadata (labels, normalization) that `liteship inspect` shows.
 */
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { storageKeys, type ReleaseManifest, type ReleaseResult } from '../../../contracts';
import { buildArchitecture, deserializeModel, loadMnist, NEW_HEAD_NAME } from '../../../ml';
import { converterTable, readTflite } from '../../../tflite';
import { runInLiteRt } from '../../../tflite/runtimes/litert';
import { loadInterpreter } from '../../../tflite/runtimes/tfjs-tflite-node';
import { runCli } from '../../support/cli';
import { firstDigits, toRgb32, writeIdxData } from '../../support/mnist-subsets';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';
import { saveLayersModel } from '../../unit/tflite/support/save-model';

/** The converter's own layer table: what every architecture is checked against. */
const converter = converterTable();

const { store } = useTestServices();
const mnist = loadMnist();
const quick = { training: { epochs: 1, batchSize: 32, seed: 3 }, benchmark: { runs: 200, warmupRuns: 5 } };

async function release(specFile: string): Promise<{ workflowId: string; result: ReleaseResult; manifest: ReleaseManifest }> {
  const run = await runCli(['run', specFile, '--json']);
  if (run.code !== 0) throw new Error(`liteship run failed (${run.code}): ${run.stderr}`);
  const { workflowId, result } = JSON.parse(run.stdout) as { workflowId: string; result: ReleaseResult };
  const key = `${result.model}/${result.version}/manifest.json`;
  return { workflowId, result, manifest: JSON.parse(new TextDecoder().decode(await store.get(key))) as ReleaseManifest };
}

async function inspect(file: Uint8Array, dir: string): Promise<string> {
  const { writeFileSync } = await import('node:fs');
  const at = path.join(dir, 'inspected.tflite');
  writeFileSync(at, file);
  const out = await runCli(['inspect', at]);
  expect(out.code).toBe(0);
  return out.stdout;
}

describe('a layers architecture', () => {
  it('releases; every file carries labels 0..9 and the /255 normalization', async () => {
    const dir = tempDir();
    const model = uniqueModelName('layers-e2e');
    const data = writeIdxData(dir, firstDigits(mnist.train, 10, 3000), firstDigits(mnist.test, 10, 500));
    const spec = writeSpec(dir, 'layers', {
      model, description: 'digits from a layer list', ...quick, data,
      architecture: { layers: [
        { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
        { type: 'maxPooling2d', poolSize: 2 },
        { type: 'depthwiseConv2d', kernelSize: 3, activation: 'relu6' },
        { type: 'flatten' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ] },
    });
    const { result, manifest } = await release(spec);
    expect(manifest.variants.map((v) => v.variant)).toEqual(['float32', 'float16', 'dynamic-int8', 'int8']);
    expect(result.evaluation.accuracy).toBeGreaterThan(0.5); // 1 epoch on 3,000 digits; chance is 0.1
    for (const v of manifest.variants) {
      const d = readTflite(await store.get(storageKeys.releaseFile(model, result.version, v.file!)));
      expect(d.operators.map((op) => op.name)).toEqual(expect.arrayContaining(['CONV_2D', 'DEPTHWISE_CONV_2D', 'MAX_POOL_2D', 'FULLY_CONNECTED']));
      expect(d.modelMetadata?.name).toBe(model);
      expect(d.modelMetadata?.subgraphs[0]?.inputs[0]?.normalization).toEqual({ mean: [0], std: [255] });
      expect(d.associatedFiles?.[0]?.text).toBe('0\n1\n2\n3\n4\n5\n6\n7\n8\n9');
    }
    const shown = await inspect(await store.get(storageKeys.releaseFile(model, result.version, 'model.tflite')), dir);
    expect(shown).toContain(`name "${model}", version "sha256:`);
    expect(shown).toContain('normalization: (value - mean [0]) / std [255]');
    expect(shown).toContain('TENSOR_AXIS_LABELS labels.txt 10: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9');
  });
});

/** Weights of the layers the fine-tune freezes, keyed by layer and position (tfjs renames variables per process). */
function frozenWeights(model: LayersModel): Map<string, number[]> {
  return new Map(model.layers.filter((l) => ['features', 'features_bn'].includes(l.name))
    .flatMap((l) => l.weights.map((w, i) => [`${l.name}#${i}`, Array.from(w.read().dataSync())] as const)));
}

describe('fine-tuning a saved model', () => {
  it('keeps the frozen layers bit-identical and trains a new 3-class head', async () => {
    const dir = tempDir();
    // The saved model: a 10-class digit classifier, as a team would bring it.
    const base = await buildArchitecture({ layers: [
      { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu', name: 'features' },
      { type: 'batchNormalization', name: 'features_bn' },
      { type: 'maxPooling2d', poolSize: 2, name: 'pool' },
      { type: 'flatten', name: 'flat' },
      { type: 'dense', units: 32, activation: 'relu', name: 'hidden' },
      { type: 'dense', units: 10, activation: 'softmax', name: 'digits' },
    ] }, { inputShape: [28, 28, 1], numClasses: 10, seed: 11, converter });
    await saveLayersModel(base, path.join(dir, 'saved'));
    const frozenBefore = frozenWeights(base);
    base.dispose();

    const model = uniqueModelName('finetune-e2e');
    const spec = writeSpec(dir, 'finetune', {
      model, ...quick,
      data: writeIdxData(dir, firstDigits(mnist.train, 3, 1500), firstDigits(mnist.test, 3, 300)),
      architecture: { model: 'saved/model.json', trainable: { from: 'hidden' }, newHead: true },
    });
    const { workflowId, result } = await release(spec);
    const trained = await deserializeModel(await store.get(storageKeys.trainedModel(workflowId)));
    const frozenAfter = frozenWeights(trained);
    expect(frozenAfter.size).toBe(6);
    expect(frozenAfter).toEqual(frozenBefore);
    expect(trained.getLayer(NEW_HEAD_NAME).outputShape).toEqual([null, 3]);
    expect(trained.getLayer('hidden').trainable).toBe(true);
    trained.dispose();
    expect(result.evaluation.perClassAccuracy).toHaveLength(3);
    const d = readTflite(await store.get(storageKeys.releaseFile(model, result.version, 'model.tflite')));
    expect(d.outputs[0]?.shape).toEqual([1, 3]);
    expect(d.associatedFiles?.[0]?.text).toBe('0\n1\n2');
  });
});

describe('mobilenet-v2 alpha 0.35 on 32x32x3', () => {
  it('converts, quantizes and benchmarks; every variant gives the same answers in both runtimes', async () => {
    const dir = tempDir();
    const model = uniqueModelName('mobilenet-e2e');
    const test = toRgb32(firstDigits(mnist.test, 3, 200));
    const spec = writeSpec(dir, 'mobilenet', {
      model, ...quick,
      data: writeIdxData(dir, toRgb32(firstDigits(mnist.train, 3, 1200)), test),
      architecture: { name: 'mobilenet-v2', alpha: 0.35 },
      gate: { maxAccuracyDropPoints: 100 },
    });
    const { result, manifest } = await release(spec);
    expect(manifest.variants.filter((v) => v.file).map((v) => v.variant)).toEqual(['float32', 'float16', 'dynamic-int8', 'int8']);
    const size = 32 * 32 * 3;
    const inputs = Array.from({ length: 50 }, (_, i) => Float32Array.from(test.images.subarray(i * size, (i + 1) * size), (p) => p / 255));
    const files = await Promise.all(manifest.variants.map((v) => store.get(storageKeys.releaseFile(model, result.version, v.file!))));
    const liteRt = await runInLiteRt(files.map((bytes) => ({ model: bytes, runs: inputs.map((x) => [{ data: x, shape: [1, 32, 32, 3] }]) })));
    // Answers in both runtimes. float32/float16 compute in float32: the same ops in another kernel
    // build differ by float32 rounding (~1e-7 here), 1e-4 leaves room for other CPUs' summation order.
    // dynamic-int8 quantizes activations on the fly (steps of 1/127 of each row's range): kernels of
    // different TFLite versions may round a step apart, 0.02 is ~2.5 steps of a probability.
    // int8 outputs are in steps of 1/256: two steps.
    const tolerance: Record<string, number> = { float32: 1e-4, float16: 1e-4, 'dynamic-int8': 0.02, int8: 2 / 256 };
    // Against the tfjs model on the 200 test images: float files one image, quantized ones six.
    const maxDrop: Record<string, number> = { float32: 0.5, float16: 0.5, 'dynamic-int8': 3, int8: 3 };
    let spread = 0;
    for (const [i, v] of manifest.variants.entries()) {
      const interpreter = await loadInterpreter(files[i]!);
      const native = inputs.map((x) => interpreter.predict(x));
      interpreter.dispose();
      const other = liteRt[i];
      if (!other?.ok) throw new Error(`${v.variant} in LiteRT: ${other?.ok === false ? other.error : 'no result'}`);
      const diff = Math.max(...native.map((out, k) => Math.max(...out.map((p, c) => Math.abs(p - other.runs[k]![0]!.data[c]!)))));
      const agree = native.filter((out, k) => argmax(out) === argmax(other.runs[k]![0]!.data)).length;
      for (let c = 0; c < 3; c++) spread = Math.max(spread, Math.max(...native.map((o) => o[c]!)) - Math.min(...native.map((o) => o[c]!)));
      console.log(`mobilenet-v2 ${v.variant}: accuracy ${v.accuracy} (tfjs ${result.evaluation.accuracy}), max |tfjs-tflite-node - LiteRT| ${diff}, argmax agree ${agree}/50`);
      expect(diff).toBeLessThanOrEqual(tolerance[v.variant]!);
      expect(Math.abs(v.accuracyDropPoints!)).toBeLessThanOrEqual(maxDrop[v.variant]!);
      expect(readTflite(files[i]!).modelMetadata?.subgraphs[0]?.inputs[0]?.colorSpace).toBe('RGB');
    }
    // One epoch on 1,200 images leaves mobilenet-v2 near chance (it answers mostly one class),
    // so the comparisons above are on probabilities, which still vary from image to image:
    expect(spread).toBeGreaterThan(1e-3);
  });
});

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

// Pruned FULLY_CONNECTED weights in TFLite's sparse encoding: float CSR and int8 1x16
// blocks, smaller than dense, same outputs in tfjs-tflite-node and LiteRT.js.
import * as tf from '@tensorflow/tfjs';
import { buildGraph, convert, readTflite, serializeGraph } from '../../../../tflite';
import { loadInterpreter } from '../../../../tflite/runtimes/tfjs-tflite-node';
import { dynamicRangeTransform } from '../../../../tflite/quantize/dynamic';
import { calibrateGraph } from '../../../../tflite/quantize/graph-calibration';
import { toFullInt8 } from '../../../../tflite/quantize/int8';
import { sparseWeightsTransform, toSparseWeights } from '../../../../tflite/quantize/sparse-weights';
import type { SparseWeightsReport } from '../../../../tflite/quantize/sparse-weights';
import { QUANTIZATION_VARIANTS, convertVariant } from '../../../../tflite/variants';
import { runInLiteRtJs, runInTfliteNode } from './support/runtimes';

function mlp(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [32], units: 16, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2, stddev: 0.1 }) }));
  m.add(tf.layers.dense({ units: 4, activation: 'softmax', name: 'probs', kernelInitializer: tf.initializers.randomNormal({ seed: 3 }) }));
  return m;
}

/** Zeroes the 75% smallest weights of each kernel (what magnitude pruning leaves). */
function pruneRandom(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    const [kernel, bias] = layer.getWeights() as [tf.Tensor, tf.Tensor];
    const sorted = Array.from(kernel.dataSync()).map(Math.abs).sort((a, b) => a - b);
    const threshold = sorted[Math.floor(sorted.length * 0.75)] as number;
    layer.setWeights([tf.tidy(() => tf.mul(kernel, tf.greaterEqual(tf.abs(kernel), threshold).cast('float32'))), bias]);
  }
}

/** Zeroes whole 1x16 blocks of the hidden kernel in TFLite's [out, in] layout: kernel[16b..16b+15, o] in tfjs. */
function pruneBlocks(model: tf.LayersModel): void {
  const layer = model.getLayer('hidden');
  const [kernel, bias] = layer.getWeights() as [tf.Tensor, tf.Tensor];
  const values = kernel.dataSync().slice(); // [32 in, 16 out]
  for (let o = 0; o < 16; o++) {
    for (let b = 0; b < 2; b++) {
      if ((o + b) % 4 === 0) continue; // keep 1 block in 4
      for (let k = 0; k < 16; k++) values[(16 * b + k) * 16 + o] = 0;
    }
  }
  layer.setWeights([tf.tensor(values, kernel.shape), bias]);
}

const inputsOf = (n: number, seed: number, lo = -1, hi = 1): Float32Array[] =>
  tf.tidy(() => {
    const all = tf.randomUniform([n, 32], lo, hi, 'float32', seed);
    return Array.from({ length: n }, (_, i) => Float32Array.from(all.slice(i, 1).dataSync()));
  });

const maxDiff = (a: Float32Array[], b: Float32Array[]): number =>
  Math.max(...a.map((x, i) => x.reduce((m, v, k) => Math.max(m, Math.abs(v - ((b[i] as Float32Array)[k] as number))), 0)));

describe('sparse FULLY_CONNECTED weights', () => {
  jest.setTimeout(120_000);

  it('float32 pruned 75%: CSR at FC v8, smaller file, same outputs as tfjs in both runtimes', async () => {
    const model = mlp();
    pruneRandom(model);
    const report: SparseWeightsReport = { encoded: [], dense: [] };
    const bytes = convert(model, { graphTransforms: [sparseWeightsTransform(report)] });
    expect(report.encoded.map((e) => e.name)).toEqual(['hidden/kernel', 'probs/kernel']);
    expect(report.encoded[0]?.density).toBe(0.25);
    expect(bytes.length).toBeLessThan(convert(model).length);
    expect(readTflite(bytes).operators.map((op) => `${op.name}/${op.version}`)).toEqual(['FULLY_CONNECTED/8', 'FULLY_CONNECTED/8', 'SOFTMAX/1']);
    const inputs = inputsOf(4, 5);
    const expected = inputs.map((x) => Float32Array.from(tf.tidy(() => (model.predict(tf.tensor(x, [1, 32])) as tf.Tensor).dataSync())));
    expect(maxDiff(await runInTfliteNode(bytes, inputs), expected)).toBeLessThan(1e-5);
    expect(maxDiff(await runInLiteRtJs(bytes, inputs, [1, 32]), expected)).toBeLessThan(1e-5);
  });

  it('float32 pruned in 1x4 blocks: stored as 1x4 blocks (smaller than CSR), same outputs in both runtimes', async () => {
    const model = mlp();
    // Zero 3 of every 4 aligned blocks of 4 consecutive inputs per output unit (TFLite layout [out, in]).
    const layer = model.getLayer('hidden');
    const [kernel, bias] = layer.getWeights() as [tf.Tensor, tf.Tensor];
    const values = kernel.dataSync().slice(); // tfjs [32 in, 16 out]
    for (let o = 0; o < 16; o++) for (let b = 0; b < 8; b++) if ((o + b) % 4 !== 0) for (let k = 0; k < 4; k++) values[(4 * b + k) * 16 + o] = 0;
    layer.setWeights([tf.tensor(values, kernel.shape), bias]);
    const report: SparseWeightsReport = { encoded: [], dense: [] };
    const graph = toSparseWeights(buildGraph(model), report);
    const hidden = report.encoded.find((e) => e.name === 'hidden/kernel');
    expect(hidden?.density).toBe(0.25);
    // 32 blocks of 4 floats + 32 block indices + 17 row segments (uint8): CSR would need 128 * 4 + 128 + 17.
    expect(hidden?.sparseBytes).toBe(32 * 16 + 32 + 17);
    const sparsity = graph.tensors.find((t) => t.name === 'hidden/kernel')?.sparsity;
    expect(sparsity?.traversalOrder).toEqual([0, 1, 2]);
    expect(sparsity?.blockMap).toEqual([1]);
    const bytes = serializeGraph(graph);
    const inputs = inputsOf(4, 12);
    const expected = inputs.map((x) => Float32Array.from(tf.tidy(() => (model.predict(tf.tensor(x, [1, 32])) as tf.Tensor).dataSync())));
    expect(maxDiff(await runInTfliteNode(bytes, inputs), expected)).toBeLessThan(1e-5);
    expect(maxDiff(await runInLiteRtJs(bytes, inputs, [1, 32]), expected)).toBeLessThan(1e-5);
  });

  it('convertVariant({ sparseWeights }) encodes float32 FC weights and says why the other encodings stay dense', async () => {
    const model = mlp();
    pruneRandom(model);
    const inputs = inputsOf(4, 8);
    const calibration = { samples: inputsOf(40, 9).map((x) => [x]), load: (b: Uint8Array) => loadInterpreter(b, { numThreads: 1 }) };
    const files = await Promise.all(
      QUANTIZATION_VARIANTS.map(async (variant) => {
        const dense = await convertVariant(model, variant, { calibration });
        const sparse = await convertVariant(model, variant, { calibration, sparseWeights: true });
        return { variant, dense, sparse };
      }),
    );
    const byVariant = Object.fromEntries(files.map((f) => [f.variant, f]));
    expect(byVariant.float32?.sparse.sparse?.encoded.map((e) => e.name)).toEqual(['hidden/kernel', 'probs/kernel']);
    expect(byVariant.float32?.sparse.bytes.length).toBeLessThan(byVariant.float32?.dense.bytes.length ?? 0);
    expect(byVariant.float32?.dense.sparse).toBeUndefined();
    const denseReasons = (v: string) => byVariant[v]?.sparse.sparse?.dense.map((d) => d.reason);
    expect(denseReasons('float16')).toEqual([expect.stringMatching(/float16 weights go through DEQUANTIZE/), expect.stringMatching(/float16 weights go through DEQUANTIZE/)]);
    // Dynamic range keeps tensors under 1024 elements float, as TF does: these small kernels stay float, so they go sparse.
    expect(byVariant['dynamic-int8']?.sparse.sparse?.encoded.map((e) => e.name)).toEqual(['hidden/kernel', 'probs/kernel']);
    expect(denseReasons('int8')).toEqual(expect.arrayContaining([expect.stringMatching(/int8 sparse weights are off by default/)]));
    // Where nothing was encoded, the file is byte for byte the dense one; every file still computes the same thing.
    for (const v of ['float16', 'int8']) expect(byVariant[v]?.sparse.bytes).toEqual(byVariant[v]?.dense.bytes);
    const reference = await runInTfliteNode(byVariant.float32!.dense.bytes, inputs);
    expect(maxDiff(await runInTfliteNode(byVariant.float32!.sparse.bytes, inputs), reference)).toBeLessThan(1e-5);
  });

  /** Full int8 graph of the block-pruned MLP, calibrated on inputs in [lo, hi] plus the two extremes. */
  async function int8Graph(lo: number, hi: number): Promise<ReturnType<typeof buildGraph>> {
    const model = mlp();
    pruneBlocks(model);
    const graph = buildGraph(model);
    const samples = [...inputsOf(30, 6, lo, hi), new Float32Array(32).fill(lo), new Float32Array(32).fill(hi)].map((x) => [x]);
    toFullInt8(graph, await calibrateGraph(graph, samples, (b) => loadInterpreter(b, { numThreads: 1 })));
    return graph;
  }

  it('int8 (opt-in) with 1x16 zero blocks and input zero point 0: block-sparse at FC v8, LiteRT.js gives the dense result', async () => {
    // Input range [-1, 127/128]: scale 1/128 and zero point exactly 0.
    const graph = await int8Graph(-1, 127 / 128);
    expect(graph.tensors[graph.ops[1]?.inputs[0] ?? -1]?.quantization?.zeroPoint).toEqual([0]);
    const dense = serializeGraph(graph);
    const report: SparseWeightsReport = { encoded: [], dense: [] };
    const sparse = serializeGraph(toSparseWeights(graph, report, { int8: true }));
    expect(report.encoded.map((e) => [e.name, e.density])).toEqual([['hidden/kernel', 0.25]]);
    // probs/kernel: its input (a RELU output) has zero point -128.
    expect(report.dense).toEqual([{ name: 'probs/kernel', reason: "int8 input zero point is -128: TFLite 2.9's int8 sparse kernel is only right for zero point 0" }]);
    expect(sparse.length).toBeLessThan(dense.length);
    expect(readTflite(sparse).operators.filter((op) => op.name === 'FULLY_CONNECTED').map((op) => op.version)).toEqual([8, 4]);
    const inputs = inputsOf(4, 7, -1, 127 / 128);
    const want = await runInLiteRtJs(dense, inputs, [1, 32]);
    // At most one output step (softmax: 1/256) apart: the sparse kernel rounds its own way.
    // tfjs-tflite-node is not checked: its 2.9 kernel drifts by 1-2 steps between runs (why int8 is opt-in).
    expect(maxDiff(await runInLiteRtJs(sparse, inputs, [1, 32]), want)).toBeLessThanOrEqual(1 / 256 + 1e-6);
  });

  it('keeps int8 weights dense by default, and when the FC input zero point is not 0', async () => {
    const byDefault: SparseWeightsReport = { encoded: [], dense: [] };
    toSparseWeights(await int8Graph(-1, 127 / 128), byDefault);
    expect(byDefault.encoded).toEqual([]);
    expect(byDefault.dense[0]?.reason).toBe("int8 sparse weights are off by default: TFLite 2.9's int8 sparse kernel (tfjs-tflite-node) is unreliable");
    const graph = await int8Graph(0, 1); // zero point -128
    const report: SparseWeightsReport = { encoded: [], dense: [] };
    toSparseWeights(graph, report, { int8: true });
    expect(report.encoded).toEqual([]);
    expect(report.dense[0]).toEqual({ name: 'hidden/kernel', reason: "int8 input zero point is -128: TFLite 2.9's int8 sparse kernel is only right for zero point 0" });
  });

  it('leaves hybrid FC and unpruned weights dense, saying why', () => {
    const report: SparseWeightsReport = { encoded: [], dense: [] };
    const model = mlp();
    convert(model, { graphTransforms: [dynamicRangeTransform({ minElements: 1 }), sparseWeightsTransform(report)] });
    expect(report.encoded).toEqual([]);
    expect(report.dense.map((d) => d.reason)).toEqual([
      'hybrid (float input, int8 weights) FULLY_CONNECTED has no sparse kernel',
      'hybrid (float input, int8 weights) FULLY_CONNECTED has no sparse kernel',
    ]);
    const plain: SparseWeightsReport = { encoded: [], dense: [] };
    convert(model, { graphTransforms: [sparseWeightsTransform(plain)] });
    expect(plain.dense[0]?.reason).toMatch(/^CSR: 100% of weights non-zero, the encoding \(\d+ B\) is not smaller than dense \(2048 B\)$/);
  });
});

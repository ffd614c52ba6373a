// bench/quantize.ts's measurements of .tflite files in the three runtimes it compares:
//   tfjs-tflite-node (TFLite 2.9, in this process, via tflite/runtimes),
//   LiteRT.js (@litertjs/core, a child process running bench/litert-bench-runner.mjs),
//   tf.lite.Interpreter (TF 2.21, bench/python/run_tflite.py in the TF venv).
// Each gives test-set accuracy (batch 1) and p50/p90 latency; a runtime that refuses a
// file comes back as { ok: false, error } instead of failing the bench.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { percentile } from '../activities/benchmark';
import { ConfusionAccumulator } from '../ml';
import type { ImageSet } from '../ml';
import { readTflite } from '../tflite';
import { loadInterpreter } from '../tflite/runtimes/tfjs-tflite-node';
import { runJsonChild } from '../tflite/runtimes/litert';

export const RUNTIMES = ['tfjs-tflite-node', 'litert-js', 'tf-lite-interpreter'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];
export const RUNTIME_LABEL: Record<RuntimeName, string> = {
  'tfjs-tflite-node': 'tfjs-tflite-node',
  'litert-js': 'LiteRT.js',
  'tf-lite-interpreter': 'tf.lite.Interpreter',
};

export interface TensorIo {
  /** TFLite tensor type name, e.g. FLOAT32 or INT8. */
  type: string;
  scale: number;
  zeroPoint: number;
  shape: number[];
}

/** One .tflite file to measure. */
export interface BenchFile {
  id: string;
  path: string;
  input: TensorIo;
  output: TensorIo;
}

export type RuntimeResult =
  | {
      ok: true;
      accuracy: number;
      /** Classes the file ever predicted: 1 means a constant output. */
      distinctPredictions: number;
      p50Us?: number;
      p90Us?: number;
      /** Fastest timed run: on a loaded machine the steadier figure beside p50. */
      minUs?: number;
      /** p50 of each timed block, in time order (a group's files alternate block by block). */
      blockP50Us?: number[];
      latencyRuns?: number;
      /** What was timed. */
      timed: string;
    }
  | { ok: false; error: string };

export interface LatencySettings {
  /** Timed runs per file. */
  runs: number;
  /** Runs per block; the files of a group alternate block by block (A B B A ...). */
  block: number;
  /** Untimed runs before each block. */
  warmup: number;
  /** Test images the timed runs cycle through. */
  subset: number;
}

export function describeIo(bytes: Uint8Array): { input: TensorIo; output: TensorIo } {
  const model = readTflite(bytes);
  const io = (t: (typeof model.inputs)[number] | undefined): TensorIo => ({
    type: t?.typeName ?? 'unknown',
    scale: t?.quantization?.scale[0] ?? 0,
    zeroPoint: t?.quantization?.zeroPoint[0] ?? 0,
    shape: t?.shape ?? [],
  });
  return { input: io(model.inputs[0]), output: io(model.outputs[0]) };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

function latency(samplesUs: number[], block: number): { p50Us: number; p90Us: number; minUs: number; blockP50Us: number[]; latencyRuns: number } {
  const p50 = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const blockP50Us = Array.from({ length: Math.ceil(samplesUs.length / block) }, (_, b) => p50(samplesUs.slice(b * block, (b + 1) * block)));
  return { p50Us: percentile(sorted, 50), p90Us: percentile(sorted, 90), minUs: sorted[0]!, blockP50Us, latencyRuns: sorted.length };
}

/** Scores raw outputs (count x classes) against the labels; int8 outputs are dequantized first. */
function score(outputs: Float32Array, output: TensorIo, test: ImageSet): { accuracy: number; distinctPredictions: number } {
  const probabilities = output.type === 'INT8' ? outputs.map((q) => (q - output.zeroPoint) * output.scale) : outputs;
  const acc = new ConfusionAccumulator(test.numClasses);
  acc.add(probabilities, test.labels, test.count, 0);
  const result = acc.result();
  const distinctPredictions = result.confusionMatrix[0]!.filter((_, c) => result.confusionMatrix.some((row) => (row[c] ?? 0) > 0)).length;
  return { accuracy: result.accuracy, distinctPredictions };
}

/** One file's input for image `index`: float32, or int8 quantized with the input's scale and zero point (the adapter rounds and clamps). */
function inputFor(file: BenchFile, images: Float32Array, pixels: number, index: number): Float32Array {
  const x = images.subarray(index * pixels, (index + 1) * pixels);
  return file.input.type === 'INT8' ? x.map((v) => v / file.input.scale + file.input.zeroPoint) : x;
}

/**
 * tfjs-tflite-node, 1 thread. Accuracy on every test image; latency of predict() (input
 * copy, Invoke, output copy) with the files of each group alternating in blocks. Every
 * block runs on a freshly loaded interpreter: one instance of a file can sit 1-2% faster
 * or slower than the next (where its buffers land), which would otherwise decide a 1.0x
 * comparison; the p50 over all blocks averages that out.
 */
export async function measureTfliteNode(
  files: readonly BenchFile[],
  groups: readonly string[][],
  test: ImageSet,
  images: Float32Array,
  settings: LatencySettings,
): Promise<Map<string, RuntimeResult>> {
  const pixels = images.length / test.count;
  const results = new Map<string, RuntimeResult>();
  const loaded = new Map<string, { bytes: Uint8Array; inputs: Float32Array[] }>();
  for (const file of files) {
    try {
      const bytes = new Uint8Array(readFileSync(file.path));
      const interpreter = await loadInterpreter(bytes, { numThreads: 1 });
      const classes = file.output.shape.at(-1) ?? test.numClasses;
      const outputs = new Float32Array(test.count * classes);
      for (let i = 0; i < test.count; i++) outputs.set(interpreter.predict(inputFor(file, images, pixels, i)), i * classes);
      interpreter.dispose();
      results.set(file.id, { ok: true, ...score(outputs, file.output, test), timed: 'predict(): input copy + Invoke + output copy; a fresh interpreter per block' });
      const inputs = Array.from({ length: Math.min(settings.subset, test.count) }, (_, i) => inputFor(file, images, pixels, i));
      loaded.set(file.id, { bytes, inputs });
    } catch (err) {
      results.set(file.id, { ok: false, error: message(err) });
    }
  }
  for (const group of groups) {
    const members = group.filter((id) => loaded.has(id));
    const samples = new Map(members.map((id) => [id, [] as number[]]));
    for (let round = 0; round * settings.block < settings.runs; round++) {
      for (const id of round % 2 === 0 ? members : [...members].reverse()) {
        const { bytes, inputs } = loaded.get(id)!;
        const interpreter = await loadInterpreter(bytes, { numThreads: 1 });
        for (let i = 0; i < settings.warmup; i++) interpreter.predict(inputs[i % inputs.length]!);
        const n = Math.min(settings.block, settings.runs - round * settings.block);
        for (let i = 0; i < n; i++) {
          const input = inputs[(round * settings.block + i) % inputs.length]!;
          const start = process.hrtime.bigint();
          interpreter.predict(input);
          samples.get(id)!.push(Number(process.hrtime.bigint() - start) / 1e3);
        }
        interpreter.dispose();
      }
    }
    for (const id of members) {
      const r = results.get(id);
      if (r?.ok) results.set(id, { ...r, ...latency(samples.get(id)!, settings.block) });
    }
  }
  return results;
}

interface LiteRtReply {
  results: Record<string, { outputs?: string; error?: string; latencyUs?: number[] }>;
}

/** LiteRT.js (wasm, 1 thread) in one child process for all `files`; `imagesPath` holds the normalized test images. */
export async function measureLiteRt(
  files: readonly BenchFile[],
  groups: readonly string[][],
  test: ImageSet,
  imagesPath: string,
  settings: LatencySettings,
  timeoutMs = 30 * 60_000,
): Promise<Map<string, RuntimeResult>> {
  const request = JSON.stringify({
    images: imagesPath,
    count: test.count,
    files: files.map((f) => ({ id: f.id, path: f.path, shape: f.input.shape, input: f.input })),
    groups,
    latency: { ...settings, subset: Math.min(settings.subset, test.count) },
  });
  const results = new Map<string, RuntimeResult>();
  let reply: LiteRtReply;
  try {
    reply = JSON.parse(await runJsonChild(path.join(__dirname, 'litert-bench-runner.mjs'), request, timeoutMs)) as LiteRtReply;
  } catch (err) {
    for (const f of files) results.set(f.id, { ok: false, error: `runner failed: ${message(err)}` });
    return results;
  }
  for (const file of files) {
    const r = reply.results[file.id];
    if (r?.outputs === undefined) {
      results.set(file.id, { ok: false, error: r?.error ?? 'no result' });
      continue;
    }
    const raw = Buffer.from(r.outputs, 'base64');
    const outputs = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    results.set(file.id, {
      ok: true,
      ...score(outputs, file.output, test),
      ...(r.latencyUs && r.latencyUs.length > 0 ? latency(r.latencyUs, settings.block) : {}),
      timed: 'new Tensor + await run() + toTypedArray + delete; a freshly compiled model per block',
    });
  }
  return results;
}

type RunTfliteEntry = { file: string; error: string } | { file: string; accuracy: number; examples: number; invokeMicros: { p50: number; p90: number } };

/**
 * tf.lite.Interpreter (1 thread) via run_tflite.py --interleave: accuracy on the test set
 * and the latency of invoke() alone over every image, the files taking turns in blocks.
 */
export function measureTfLite(python: string, files: readonly BenchFile[], limit: number, block: number, jsonPath: string): Map<string, RuntimeResult> {
  const results = new Map<string, RuntimeResult>();
  let entries: RunTfliteEntry[] = [];
  try {
    execFileSync(python, [path.join(__dirname, 'python', 'run_tflite.py'), ...files.map((f) => f.path), '--limit', String(limit), '--threads', '1', '--interleave', String(block), '--json', jsonPath], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    entries = JSON.parse(readFileSync(jsonPath, 'utf8')) as RunTfliteEntry[];
  } catch (err) {
    for (const f of files) results.set(f.id, { ok: false, error: `run_tflite.py failed: ${message(err)}` });
    return results;
  }
  for (const file of files) {
    const e = entries.find((x) => path.resolve(x.file) === path.resolve(file.path));
    if (e === undefined) results.set(file.id, { ok: false, error: 'no result' });
    else if ('error' in e) results.set(file.id, { ok: false, error: e.error });
    else {
      results.set(file.id, {
        ok: true, accuracy: e.accuracy, distinctPredictions: NaN, p50Us: e.invokeMicros.p50, p90Us: e.invokeMicros.p90, latencyRuns: e.examples,
        timed: `invoke() only, every test image, files taking turns ${block} images at a time`,
      });
    }
  }
  return results;
}

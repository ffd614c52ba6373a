// Issue 6's side-by-side bench: liteship's quantized files against TensorFlow's own
// TFLiteConverter on the same weights, for the MNIST MLP and CNN, in one run.
//
//   1. train each model with ml/ and write the fixture tf_reference.py reads
//      (bench/python/fixture.ts: the same calibration samples liteship's int8 uses);
//   2. TF's files: float32, float16, dynamic range, int8, int8 I/O (batch 1) and its
//      warm convert() times (bench/python/tf_reference.py, the TF venv);
//   3. liteship's files with convertVariant, each conversion timed (median; int8 with
//      its calibration in tfjs-tflite-node);
//   4. pruning: a copy fine-tuned with ml/prune.ts to 0.75 sparsity, written as dense
//      float32, float32 with sparse FC weights (convertVariant sparseWeights), and int8
//      (TF: float32 and int8);
//   5. every file on the test set, batch 1, 1 thread, in tfjs-tflite-node, LiteRT.js and
//      tf.lite.Interpreter: accuracy and p50/p90 latency; refusals and wrong outputs are
//      recorded with the reason, never fatal;
//   6. markdown tables, the targets met or not, bench/out/quantize/report.json.
//
// Usage: npx tsx bench/quantize.ts [--models mlp,cnn] [--epochs 2] [--prune-epochs 2]
//          [--sparsity 0.75] [--calibration 300] [--convert-runs 20] [--tf-repeats 5]
//          [--latency-runs 1000] [--test 10000] [--seed 1] [--quick]
// See bench/README-quantize.md for what each column means.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import {
  createModel, deserializeModel, evaluateModel, loadMnist, MNIST_NUM_CLASSES, normalizePixels, serializeModel, sliceImageSet,
  toInputTensor, toLabelTensor, trainModel,
} from '../ml';
import type { Architecture, ImageSet } from '../ml';
import { describeBackend, initTrainingBackend } from '../ml/backend';
import { DEFAULT_PRUNING } from '../contracts/spec';
import { pruneDuringFineTuning } from '../ml/prune';
import type { SparseWeightsReport } from '../tflite/quantize/sparse-weights';
import { loadInterpreter } from '../tflite/runtimes/tfjs-tflite-node';
import { convertVariant } from '../tflite/variants';
import { writeFixture } from './python/fixture';
import { calibrationSamples } from '../activities/convert';
import { describeIo, measureLiteRt, measureTfLite, measureTfliteNode, RUNTIME_LABEL, RUNTIMES } from './quantize-runtimes';
import type { BenchFile, LatencySettings, RuntimeName, RuntimeResult } from './quantize-runtimes';

const OUT = path.join(__dirname, 'out', 'quantize');
const PY_DIR = path.join(__dirname, 'python');

// ---------------------------------------------------------------- options

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

function numberOption(name: string, fallback: number, integer = true): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}`);
  return value;
}

const quick = flag('quick');
const settings = {
  models: option('models', 'mlp,cnn').split(',').filter((m): m is Architecture => m === 'mlp' || m === 'cnn'),
  epochs: numberOption('epochs', quick ? 1 : 2),
  pruneEpochs: numberOption('prune-epochs', quick ? 1 : 2),
  sparsity: numberOption('sparsity', 0.75, false),
  // The pipeline's default (spec pruning.blockSize): Dense kernels pruned in 1x4 blocks.
  blockSize: numberOption('block-size', DEFAULT_PRUNING.blockSize),
  calibration: numberOption('calibration', 300),
  convertRuns: numberOption('convert-runs', quick ? 3 : 20),
  tfRepeats: numberOption('tf-repeats', quick ? 2 : 5),
  test: numberOption('test', quick ? 2000 : 10000),
  seed: numberOption('seed', 1),
  latency: {
    runs: numberOption('latency-runs', quick ? 200 : 1000),
    block: 100,
    warmup: 20,
    subset: 500,
  } satisfies LatencySettings,
  quick,
};

// ---------------------------------------------------------------- rows

/** One line of the table: the same encoding from both converters. */
interface RowSpec {
  key: string;
  /** tf_<name>.tflite from tf_reference.py (undefined: TF has no such file). */
  tf?: { fixture: 'main' | 'pruned'; variant: string };
  int8: boolean;
  pruned: boolean;
}

const ROWS: RowSpec[] = [
  { key: 'float32', tf: { fixture: 'main', variant: 'float32' }, int8: false, pruned: false },
  { key: 'float16', tf: { fixture: 'main', variant: 'float16' }, int8: false, pruned: false },
  { key: 'dynamic-int8', tf: { fixture: 'main', variant: 'dynamic' }, int8: false, pruned: false },
  { key: 'int8', tf: { fixture: 'main', variant: 'int8' }, int8: true, pruned: false },
  { key: 'int8-io', tf: { fixture: 'main', variant: 'int8_io' }, int8: true, pruned: false },
  { key: 'pruned-float32', tf: { fixture: 'pruned', variant: 'float32' }, int8: false, pruned: true },
  { key: 'pruned-float32-sparse', int8: false, pruned: true },
  { key: 'pruned-int8', tf: { fixture: 'pruned', variant: 'int8' }, int8: true, pruned: true },
];

// ---------------------------------------------------------------- helpers

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
const gzipBytes = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).length;
const uptime = (): string => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`;
  }
};
const log = (text: string): void => console.log(`[quantize] ${text}`);

function pythonPath(): string {
  if (process.env.LITESHIP_TF_PYTHON) return process.env.LITESHIP_TF_PYTHON;
  const out = execFileSync('bash', [path.join(PY_DIR, 'setup_venv.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.trim().split('\n').pop();
  if (!line) throw new Error('bench/python/setup_venv.sh printed no python path');
  return line;
}

interface ConvertTiming {
  medianMs: number;
  minMs: number;
  runsMs: number[];
}

/** One untimed warm-up, then `runs` timed conversions. */
async function timeConversion(runs: number, build: () => Promise<Uint8Array>): Promise<{ bytes: Uint8Array; timing: ConvertTiming }> {
  let bytes = await build();
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    bytes = await build();
    runsMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { bytes, timing: { medianMs: median(runsMs), minMs: Math.min(...runsMs), runsMs } };
}

interface TfVariantInfo {
  file: string;
  bytes: number;
  convertSeconds: { median: number; min: number; runs: number[] };
  ops: string[];
}

interface TfReference {
  tensorflow: string;
  parity: { maxAbsDiff: number; sameArgmax: boolean };
  variants: Record<string, TfVariantInfo>;
}

type TfOutcome = { ok: true; reference: TfReference } | { ok: false; error: string };

function runTfReference(python: string, fixture: string, out: string, args: string[]): TfOutcome {
  try {
    execFileSync(python, [path.join(PY_DIR, 'tf_reference.py'), '--fixture', fixture, '--out', out, '--batch-size', '1', ...args], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    return { ok: true, reference: JSON.parse(readFileSync(path.join(out, 'tf_reference.json'), 'utf8')) as TfReference };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString('utf8').trim().split('\n').filter((l) => l.includes('ERROR')).pop();
    return { ok: false, error: stderr ?? message(err) };
  }
}

// ---------------------------------------------------------------- per model

interface FileEntry extends BenchFile {
  row: string;
  converter: 'tf' | 'liteship';
  bytes: number;
  gzipBytes: number;
  /** liteship: timed conversion; TF: convert() seconds from tf_reference.py. */
  convertMs?: ConvertTiming;
  ops?: string[];
  sparse?: SparseWeightsReport;
}

interface Check {
  target: string;
  met: boolean | 'n/a';
  detail: string;
}

interface RowReport {
  row: string;
  tf?: string;
  liteship?: string;
  sizeRatio?: number;
  tfDropPoints?: number;
  liteshipDropPoints?: number;
  latencyRatio: Partial<Record<RuntimeName, number>>;
  convertSpeedup?: number;
  checks: Check[];
}

interface ModelReport {
  arch: Architecture;
  error?: string;
  backend?: string;
  trainSeconds?: number;
  tfjsAccuracy?: number;
  pruned?: { tfjsAccuracy: number; seconds: number; steps: number; sparsity: number; kernels: Array<{ layer: string; sparsity: number }> };
  tfReference?: { main: TfOutcome; pruned: TfOutcome };
  files: FileEntry[];
  results: Record<RuntimeName, Record<string, RuntimeResult>>;
  rows: RowReport[];
}

function fileEntry(id: string, row: string, converter: 'tf' | 'liteship', filePath: string, bytes: Uint8Array): FileEntry {
  writeFileSync(filePath, bytes);
  return { id, row, converter, path: filePath, bytes: bytes.length, gzipBytes: gzipBytes(bytes), ...describeIo(bytes) };
}

async function benchModel(arch: Architecture, data: { train: ImageSet; test: ImageSet }, python: string): Promise<ModelReport> {
  const report: ModelReport = { arch, files: [], results: { 'tfjs-tflite-node': {}, 'litert-js': {}, 'tf-lite-interpreter': {} }, rows: [] };
  const dir = path.join(OUT, arch);
  const dirs = { fixture: path.join(dir, 'fixture'), tf: path.join(dir, 'tf'), liteship: path.join(dir, 'liteship'), prunedFixture: path.join(dir, 'pruned-fixture'), tfPruned: path.join(dir, 'tf-pruned') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const { train, test } = data;

  // 1. train, fixture
  let started = Date.now();
  const model = createModel(arch, { inputShape: train.imageShape, numClasses: MNIST_NUM_CLASSES, seed: settings.seed });
  await trainModel(model, train, { epochs: settings.epochs, batchSize: 128, seed: settings.seed }, {
    onEpochEnd: (e) => log(`${arch} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} acc ${e.accuracy.toFixed(4)} (${(e.durationMs / 1000).toFixed(1)} s)`),
  });
  report.trainSeconds = (Date.now() - started) / 1000;
  report.tfjsAccuracy = (await evaluateModel(model, test)).accuracy;
  log(`${arch}: tfjs test accuracy ${report.tfjsAccuracy.toFixed(4)} on ${test.count} images`);
  await writeFixture(model, data, dirs.fixture, { calibration: settings.calibration, seed: settings.seed });
  const samples = calibrationSamples(train, settings.calibration, settings.seed);
  const calibration = { samples, load: loadInterpreter };

  // 3. liteship's files, timed
  const liteship = async (row: string, build: () => Promise<Uint8Array>, extra: Partial<FileEntry> = {}): Promise<void> => {
    try {
      const { bytes, timing } = await timeConversion(settings.convertRuns, build);
      report.files.push({ ...fileEntry(`${arch}/liteship/${row}`, row, 'liteship', path.join(dirs.liteship, `${row}.tflite`), bytes), convertMs: timing, ...extra });
      log(`${arch}: liteship ${row} ${bytes.length} bytes, convert median ${timing.medianMs.toFixed(1)} ms`);
    } catch (err) {
      log(`${arch}: liteship ${row} FAILED: ${message(err)}`);
    }
  };
  await liteship('float32', async () => (await convertVariant(model, 'float32')).bytes);
  await liteship('float16', async () => (await convertVariant(model, 'float16')).bytes);
  await liteship('dynamic-int8', async () => (await convertVariant(model, 'dynamic-int8')).bytes);
  await liteship('int8', async () => (await convertVariant(model, 'int8', { calibration })).bytes);
  await liteship('int8-io', async () => (await convertVariant(model, 'int8', { calibration, int8Io: true })).bytes);

  // 4. pruning: fine-tune a copy to the target sparsity
  started = Date.now();
  const copy = await deserializeModel(await serializeModel(model, { includeOptimizer: false }), `${arch} copy`);
  const xs = toInputTensor(train, 0, train.count);
  const ys = toLabelTensor(train, 0, train.count);
  try {
    const result = await pruneDuringFineTuning(copy, { xs, ys }, { targetSparsity: settings.sparsity, epochs: settings.pruneEpochs, batchSize: 128, seed: settings.seed, blockSize: settings.blockSize }, {
      onEpochEnd: (e) => log(`${arch} prune epoch ${e.epoch}: loss ${e.loss.toFixed(4)} sparsity ${e.sparsity.toFixed(3)}`),
    });
    const prunedAccuracy = (await evaluateModel(copy, test)).accuracy;
    report.pruned = {
      tfjsAccuracy: prunedAccuracy, seconds: (Date.now() - started) / 1000, steps: result.steps, sparsity: result.sparsity,
      kernels: result.report.map((k) => ({ layer: k.layer, sparsity: k.sparsity })),
    };
    log(`${arch}: pruned to ${result.report.map((k) => `${k.layer} ${(100 * k.sparsity).toFixed(1)}%`).join(', ')}; tfjs accuracy ${prunedAccuracy.toFixed(4)}`);
    await writeFixture(copy, data, dirs.prunedFixture, { calibration: settings.calibration, seed: settings.seed });
    await liteship('pruned-float32', async () => (await convertVariant(copy, 'float32')).bytes);
    let sparse: SparseWeightsReport | undefined;
    await liteship('pruned-float32-sparse', async () => {
      const file = await convertVariant(copy, 'float32', { sparseWeights: true });
      sparse = file.sparse;
      return file.bytes;
    });
    const sparseEntry = report.files.find((f) => f.row === 'pruned-float32-sparse');
    if (sparseEntry && sparse) sparseEntry.sparse = sparse;
    await liteship('pruned-int8', async () => (await convertVariant(copy, 'int8', { calibration })).bytes);
  } catch (err) {
    log(`${arch}: pruning FAILED: ${message(err)}`);
  } finally {
    tf.dispose([xs, ys]);
    copy.dispose();
    model.dispose();
  }

  // 2. TF's files (after liteship's, so TF's Python process never overlaps our timing)
  log(`${arch}: TF's converter (tf_reference.py) ...`);
  const main = runTfReference(python, dirs.fixture, dirs.tf, ['--int8-io', '--repeats', String(settings.tfRepeats)]);
  const pruned = report.pruned
    ? runTfReference(python, dirs.prunedFixture, dirs.tfPruned, ['--variants', 'float32,int8', '--repeats', '1'])
    : ({ ok: false, error: 'pruning failed' } as const);
  report.tfReference = { main, pruned };
  for (const spec of ROWS) {
    if (!spec.tf) continue;
    const outcome = spec.tf.fixture === 'main' ? main : pruned;
    const info = outcome.ok ? outcome.reference.variants[spec.tf.variant] : undefined;
    if (!info) continue;
    const entry = fileEntry(`${arch}/tf/${spec.key}`, spec.key, 'tf', info.file, new Uint8Array(readFileSync(info.file)));
    const runsMs = info.convertSeconds.runs.map((s) => s * 1000);
    report.files.push({ ...entry, ops: info.ops, convertMs: { medianMs: info.convertSeconds.median * 1000, minMs: info.convertSeconds.min * 1000, runsMs } });
  }


  // 5. every file in every runtime
  const files = ROWS.flatMap((spec) => report.files.filter((f) => f.row === spec.key).sort((a, b) => a.converter.localeCompare(b.converter) * -1));
  report.files = files; // tf before liteship within a row
  const groups = ROWS.filter((r) => r.key !== 'pruned-float32-sparse').map((r) => {
    const ids = files.filter((f) => f.row === r.key).map((f) => f.id);
    if (r.key === 'pruned-float32') ids.push(...files.filter((f) => f.row === 'pruned-float32-sparse').map((f) => f.id));
    return ids;
  }).filter((g) => g.length > 0);
  const images = normalizePixels(test.images, new Float32Array(test.images.length));
  const imagesPath = path.join(dir, 'test-images.f32');
  writeFileSync(imagesPath, new Uint8Array(images.buffer, images.byteOffset, images.byteLength));

  log(`${arch}: ${files.length} files in tfjs-tflite-node ...`);
  report.results['tfjs-tflite-node'] = Object.fromEntries(await measureTfliteNode(files, groups, test, images, settings.latency));
  log(`${arch}: ${files.length} files in LiteRT.js ...`);
  report.results['litert-js'] = Object.fromEntries(await measureLiteRt(files, groups, test, imagesPath, settings.latency));
  log(`${arch}: ${files.length} files in tf.lite.Interpreter ...`);
  report.results['tf-lite-interpreter'] = Object.fromEntries(measureTfLite(python, files, test.count, settings.latency.block, path.join(dir, 'tf-lite-interpreter.json')));

  report.rows = judgeRows(report);
  return report;
}

// ---------------------------------------------------------------- targets

/** A runtime result that is a number, not a refusal and not a wrong answer (more than 1 point under tf.lite.Interpreter). */
function usable(report: ModelReport, runtime: RuntimeName, id: string | undefined): { ok: true; r: Extract<RuntimeResult, { ok: true }> } | { ok: false; why: string } {
  if (id === undefined) return { ok: false, why: 'no file' };
  const r = report.results[runtime][id];
  if (r === undefined) return { ok: false, why: 'not measured' };
  if (!r.ok) return { ok: false, why: `refused: ${r.error}` };
  const ref = report.results['tf-lite-interpreter'][id];
  if (runtime !== 'tf-lite-interpreter' && ref?.ok && ref.accuracy - r.accuracy > 0.01) {
    const constant = r.distinctPredictions === 1 ? ', a constant prediction' : '';
    return { ok: false, why: `computes wrong results: accuracy ${r.accuracy.toFixed(4)} here vs ${ref.accuracy.toFixed(4)} in tf.lite.Interpreter${constant}` };
  }
  return { ok: true, r };
}

function judgeRows(report: ModelReport): RowReport[] {
  const float = report.tfjsAccuracy ?? NaN;
  const unprunedFloat = report.files.find((f) => f.id === `${report.arch}/liteship/float32`);
  return ROWS.flatMap((spec): RowReport[] => {
    const tfFile = report.files.find((f) => f.row === spec.key && f.converter === 'tf');
    const ours = report.files.find((f) => f.row === spec.key && f.converter === 'liteship');
    if (!tfFile && !ours) return [];
    const row: RowReport = { row: spec.key, tf: tfFile?.id, liteship: ours?.id, latencyRatio: {}, checks: [] };
    const drop = (id: string | undefined): number | undefined => {
      const r = id === undefined ? undefined : report.results['tf-lite-interpreter'][id];
      return r?.ok ? (float - r.accuracy) * 100 : undefined;
    };
    row.tfDropPoints = drop(tfFile?.id);
    row.liteshipDropPoints = drop(ours?.id);
    for (const runtime of RUNTIMES) {
      const a = usable(report, runtime, tfFile?.id);
      const b = usable(report, runtime, ours?.id);
      if (a.ok && b.ok && a.r.p50Us !== undefined && b.r.p50Us !== undefined) row.latencyRatio[runtime] = b.r.p50Us / a.r.p50Us;
    }
    const checks = row.checks;
    if (!ours) {
      checks.push({ target: 'built', met: false, detail: `liteship could not build ${spec.key}` });
      return [row];
    }
    if (!spec.pruned) {
      // size
      if (tfFile) {
        row.sizeRatio = ours.bytes / tfFile.bytes;
        checks.push({ target: 'size <= 1.02x TF', met: row.sizeRatio <= 1.02, detail: `${ours.bytes} vs ${tfFile.bytes} bytes (${row.sizeRatio.toFixed(3)}x)` });
      } else checks.push({ target: 'size <= 1.02x TF', met: 'n/a', detail: 'no TF file' });
      // accuracy
      if (row.liteshipDropPoints === undefined) checks.push({ target: 'accuracy', met: 'n/a', detail: 'liteship file not measured in tf.lite.Interpreter' });
      else {
        const limits: string[] = [];
        let met = true;
        if (row.tfDropPoints !== undefined) {
          met &&= row.liteshipDropPoints <= row.tfDropPoints + 0.1 + 1e-9;
          limits.push(`TF drop ${row.tfDropPoints.toFixed(2)} + 0.1`);
        }
        if (spec.int8) {
          met &&= row.liteshipDropPoints <= 0.5 + 1e-9;
          limits.push('0.5 for full int8');
        }
        checks.push({ target: 'accuracy drop', met: limits.length === 0 ? 'n/a' : met, detail: `liteship drop ${row.liteshipDropPoints.toFixed(2)} pp vs limit ${limits.join(' and ') || 'none'}` });
      }
      // latency in tfjs-tflite-node
      const ratio = row.latencyRatio['tfjs-tflite-node'];
      if (ratio !== undefined) {
        const [a, b] = [tfFile?.id, ours.id].map((id) => report.results['tfjs-tflite-node'][id ?? ''] as Extract<RuntimeResult, { ok: true }>);
        const us = (r: typeof a, k: 'p50Us' | 'minUs'): string => r?.[k]?.toFixed(1) ?? '-';
        // Block by block (the two files alternate), how the ratio moves: the noise floor of the comparison.
        const blocks = (b?.blockP50Us ?? []).map((x, i) => x / (a?.blockP50Us?.[i] ?? NaN)).filter(Number.isFinite);
        const spread = blocks.length ? `; per-block ratio ${Math.min(...blocks).toFixed(3)}-${Math.max(...blocks).toFixed(3)}` : '';
        checks.push({ target: 'p50 <= 1.0x TF (tfjs-tflite-node)', met: ratio <= 1.0, detail: `p50 ${us(b, 'p50Us')} vs TF ${us(a, 'p50Us')} us (${ratio.toFixed(3)}x); min ${us(b, 'minUs')} vs ${us(a, 'minUs')} us${spread}` });
      }
      else {
        const a = usable(report, 'tfjs-tflite-node', tfFile?.id);
        const b = usable(report, 'tfjs-tflite-node', ours.id);
        const why = !b.ok ? `liteship's file ${b.why}` : !a.ok ? `TF's file ${a.why}` : 'no latency';
        const elsewhere = (['litert-js', 'tf-lite-interpreter'] as const).flatMap((rt) => (row.latencyRatio[rt] === undefined ? [] : [`${RUNTIME_LABEL[rt]} ${row.latencyRatio[rt]!.toFixed(3)}x`]));
        checks.push({ target: 'p50 <= 1.0x TF (tfjs-tflite-node)', met: !b.ok ? false : 'n/a', detail: `${why}${elsewhere.length ? `; elsewhere: ${elsewhere.join(', ')}` : ''}` });
      }
      // conversion speed
      if (tfFile?.convertMs && ours.convertMs) {
        row.convertSpeedup = tfFile.convertMs.medianMs / ours.convertMs.medianMs;
        const range = (t: ConvertTiming, scale: number, digits: number): string => `${(Math.min(...t.runsMs) / scale).toFixed(digits)}-${(Math.max(...t.runsMs) / scale).toFixed(digits)}`;
        checks.push({
          target: 'convert >= 10x faster', met: row.convertSpeedup >= 10,
          detail: `TF median ${(tfFile.convertMs.medianMs / 1000).toFixed(2)} s (runs ${range(tfFile.convertMs, 1000, 2)} s) vs liteship median ${ours.convertMs.medianMs.toFixed(1)} ms (runs ${range(ours.convertMs, 1, 1)} ms): ${row.convertSpeedup.toFixed(1)}x`,
        });
      }
    } else if (unprunedFloat) {
      const ratio = ours.gzipBytes / unprunedFloat.gzipBytes;
      if (!spec.int8) checks.push({ target: 'gzip <= 0.35x unpruned float32', met: ratio <= 0.35, detail: `${ours.gzipBytes} vs ${unprunedFloat.gzipBytes} gzip bytes (${ratio.toFixed(3)}x)` });
      else checks.push({ target: 'gzip vs unpruned float32 (no target)', met: 'n/a', detail: `${ratio.toFixed(3)}x` });
      if (row.liteshipDropPoints !== undefined) checks.push({ target: 'pruned accuracy drop <= 1 pp', met: row.liteshipDropPoints <= 1 + 1e-9, detail: `${row.liteshipDropPoints.toFixed(2)} pp below the unpruned float model` });
    }
    // runs in both Node runtimes (int8 I/O: tfjs-tflite-node only, a LiteRT.js limit)
    for (const runtime of ['tfjs-tflite-node', 'litert-js'] as const) {
      const u = usable(report, runtime, ours.id);
      const knownLimit = runtime === 'litert-js' && ours.input.type === 'INT8';
      if (!u.ok) checks.push({ target: `runs in ${RUNTIME_LABEL[runtime]}`, met: knownLimit ? 'n/a' : false, detail: `${u.why}${knownLimit ? ' (known: LiteRT.js tensors are float32/int32/uint8 only)' : ''}` });
    }
    return [row];
  });
}

// ---------------------------------------------------------------- printing

const pct = (x: number | undefined): string => (x === undefined ? '-' : (x * 100).toFixed(2));
const pp = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));
const kb = (n: number | undefined): string => (n === undefined ? '-' : n.toLocaleString('en-US'));

function latencyCell(report: ModelReport, runtime: RuntimeName, row: RowReport): string {
  const one = (id: string | undefined): string => {
    if (id === undefined) return '-';
    const r = report.results[runtime][id];
    if (r === undefined) return '-';
    if (!r.ok) return 'refused';
    const u = usable(report, runtime, id);
    const value = r.p50Us === undefined ? 'n/a' : `${r.p50Us.toFixed(1)}/${r.p90Us?.toFixed(1)}`;
    return u.ok ? value : `${value} WRONG`;
  };
  const ratio = row.latencyRatio[runtime];
  return `${one(row.tf)} vs ${one(row.liteship)}${ratio === undefined ? '' : ` (${ratio.toFixed(2)}x)`}`;
}

function printModel(report: ModelReport): string[] {
  const lines: string[] = [];
  const out = (s = ''): void => {
    lines.push(s);
  };
  out(`## ${report.arch.toUpperCase()}`);
  if (report.error) {
    out(`FAILED: ${report.error}`);
    return lines;
  }
  out();
  out(`tfjs float model: ${pct(report.tfjsAccuracy)}% on ${settings.test} test images (the baseline every drop is measured from); backend ${report.backend}, trained ${settings.epochs} epoch(s) in ${report.trainSeconds?.toFixed(0)} s.`);
  for (const [name, o] of Object.entries(report.tfReference ?? {})) {
    out(o.ok ? `TF reference (${name}): TensorFlow ${o.reference.tensorflow}, Keras rebuild vs tfjs max |diff| ${o.reference.parity.maxAbsDiff.toExponential(1)}.` : `TF reference (${name}) FAILED: ${o.error}`);
  }
  out();
  out('| variant | TF bytes | liteship bytes | size ratio | TF acc % | liteship acc % | TF drop pp | liteship drop pp | tfjs-tflite-node p50/p90 us, TF vs liteship | LiteRT.js p50/p90 us, TF vs liteship | tf.lite.Interpreter invoke p50/p90 us, TF vs liteship | TF convert s | liteship convert ms | speedup | targets |');
  out('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const acc = (id: string | undefined): string => {
    const r = id === undefined ? undefined : report.results['tf-lite-interpreter'][id];
    return r === undefined ? '-' : r.ok ? pct(r.accuracy) : 'refused';
  };
  for (const row of report.rows) {
    const tfFile = report.files.find((f) => f.id === row.tf);
    const ours = report.files.find((f) => f.id === row.liteship);
    const checks = row.checks.filter((c) => c.met !== 'n/a' || c.target.startsWith('p50')).map((c) => `${c.target.replace(/ \(tfjs-tflite-node\)/, '')}: ${c.met === true ? 'yes' : c.met === false ? 'NO' : 'n/a'}`).join('; ');
    out(`| ${row.row} | ${kb(tfFile?.bytes)} | ${kb(ours?.bytes)} | ${row.sizeRatio?.toFixed(3) ?? '-'} | ${acc(row.tf)} | ${acc(row.liteship)} | ${pp(row.tfDropPoints)} | ${pp(row.liteshipDropPoints)} | ${latencyCell(report, 'tfjs-tflite-node', row)} | ${latencyCell(report, 'litert-js', row)} | ${latencyCell(report, 'tf-lite-interpreter', row)} | ${tfFile?.convertMs ? (tfFile.convertMs.medianMs / 1000).toFixed(2) : '-'} | ${ours?.convertMs?.medianMs.toFixed(1) ?? '-'} | ${row.convertSpeedup ? `${row.convertSpeedup.toFixed(row.convertSpeedup < 100 ? 1 : 0)}x` : '-'} | ${checks} |`);
  }
  out();
  out('Accuracy % per runtime (every file, batch 1); "refused"/"WRONG" explained below:');
  out();
  out('| file | bytes | gzip bytes | input | tfjs-tflite-node | LiteRT.js | tf.lite.Interpreter |');
  out('|---|---|---|---|---|---|---|');
  const notes: string[] = [];
  for (const f of report.files) {
    const cells = RUNTIMES.map((rt) => {
      const r = report.results[rt][f.id];
      if (r === undefined) return '-';
      const u = usable(report, rt, f.id);
      if (!u.ok) notes.push(`${f.id} in ${RUNTIME_LABEL[rt]}: ${u.why}`);
      return r.ok ? `${pct(r.accuracy)}${u.ok ? '' : ' WRONG'}` : 'refused';
    });
    out(`| ${f.id.replace(`${report.arch}/`, '')} | ${kb(f.bytes)} | ${kb(f.gzipBytes)} | ${f.input.type} | ${cells.join(' | ')} |`);
  }
  out();
  for (const n of notes) out(`- ${n}`);
  if (report.pruned) {
    const unpruned = report.files.find((f) => f.id === `${report.arch}/liteship/float32`);
    out();
    out(`Pruning: fine-tuned ${settings.pruneEpochs} epoch(s) (${report.pruned.steps} steps, ${report.pruned.seconds.toFixed(0)} s) to ${report.pruned.kernels.map((k) => `${k.layer} ${(100 * k.sparsity).toFixed(1)}%`).join(', ')} zeros; tfjs accuracy ${pct(report.pruned.tfjsAccuracy)}%.`);
    out();
    out('| file | bytes | gzip bytes | gzip vs unpruned liteship float32 | acc % (tf.lite.Interpreter) | drop pp vs unpruned float | sparse FC weights |');
    out('|---|---|---|---|---|---|---|');
    const prunedFiles = unpruned ? [unpruned, ...report.files.filter((f) => f.row.startsWith('pruned-'))] : report.files.filter((f) => f.row.startsWith('pruned-'));
    for (const f of prunedFiles) {
      const r = report.results['tf-lite-interpreter'][f.id];
      const sparse = f.sparse ? `${f.sparse.encoded.map((e) => `${e.name} (${(100 * e.density).toFixed(0)}% dense)`).join(', ') || 'none'}${f.sparse.dense.length ? `; dense: ${f.sparse.dense.map((d) => `${d.name}: ${d.reason}`).join('; ')}` : ''}` : '-';
      out(`| ${f.id.replace(`${report.arch}/`, '')} | ${kb(f.bytes)} | ${kb(f.gzipBytes)} | ${unpruned ? (f.gzipBytes / unpruned.gzipBytes).toFixed(3) : '-'} | ${r?.ok ? pct(r.accuracy) : 'refused'} | ${r?.ok ? pp(((report.tfjsAccuracy ?? NaN) - r.accuracy) * 100) : '-'} | ${sparse} |`);
    }
  }
  out();
  return lines;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const uptimeStart = uptime();
  console.log(`uptime at start: ${uptimeStart}`);
  if (settings.models.length === 0) throw new Error('--models must list mlp and/or cnn');
  mkdirSync(OUT, { recursive: true });
  const backend = describeBackend(await initTrainingBackend('auto'));
  log(`backend: ${backend}; settings ${JSON.stringify(settings)}`);
  const python = pythonPath();
  const mnist = loadMnist();
  const data = { train: mnist.train, test: settings.test < mnist.test.count ? sliceImageSet(mnist.test, 0, settings.test) : mnist.test };

  const reports: ModelReport[] = [];
  for (const arch of settings.models) {
    try {
      reports.push({ ...(await benchModel(arch, data, python)), backend });
    } catch (err) {
      log(`${arch} FAILED: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      reports.push({ arch, error: message(err), files: [], results: { 'tfjs-tflite-node': {}, 'litert-js': {}, 'tf-lite-interpreter': {} }, rows: [] });
    }
  }
  const uptimeEnd = uptime();

  const lines: string[] = [];
  lines.push(`# liteship vs TFLiteConverter: quantized MNIST files (${new Date().toISOString()})`);
  lines.push('');
  lines.push(`${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; batch 1, 1 thread everywhere; latency: ${settings.latency.runs} timed runs per file after ${settings.latency.warmup}-run warm-ups, TF and liteship files alternating in blocks of ${settings.latency.block} (tf.lite.Interpreter: invoke() over every test image).`);
  lines.push(`uptime at start: ${uptimeStart}`);
  lines.push(`uptime at end:   ${uptimeEnd}`);
  lines.push('');
  for (const r of reports) lines.push(...printModel(r));
  const notMet = reports.flatMap((r) => (r.error ? [`${r.arch}: bench failed: ${r.error}`] : r.rows.flatMap((row) => row.checks.filter((c) => c.met === false).map((c) => `${r.arch} ${row.row}: ${c.target}: ${c.detail}`))));
  const notApplicable = reports.flatMap((r) => r.rows.flatMap((row) => row.checks.filter((c) => c.met === 'n/a' && !c.target.startsWith('gzip vs')).map((c) => `${r.arch} ${row.row}: ${c.target}: ${c.detail}`)));
  lines.push('## Targets not met');
  lines.push('');
  lines.push(...(notMet.length ? notMet.map((t) => `- ${t}`) : ['- none']));
  lines.push('');
  lines.push('## Targets not measurable as stated');
  lines.push('');
  lines.push(...(notApplicable.length ? notApplicable.map((t) => `- ${t}`) : ['- none']));
  console.log(`\n${lines.join('\n')}`);

  const reportPath = path.join(OUT, 'report.json');
  writeFileSync(reportPath, JSON.stringify({
    date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, backend,
    uptimeStart, uptimeEnd, settings, models: reports, notMet, notApplicable,
  }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2));
  writeFileSync(path.join(OUT, 'report.md'), `${lines.join('\n')}\n`);
  console.log(`\nwrote ${reportPath} and report.md`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});


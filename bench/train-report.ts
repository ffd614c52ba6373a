/** The bench/train report: its JSON shape and its markdown rendering with the issue's targets. */
import type { MemoryResult, SpeedResult } from './train-worker';

export interface KerasResult {
  arch: string;
  samplesPerSec: number;
  epochSeconds: number[];
  peakRssMb: number;
  tensorflowVersion: string;
  data: string;
}

type Failed = { error: string };
type Arch = 'mlp' | 'cnn';

export interface TrainBenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; loadBefore: number[]; loadAfter: number[] };
  samples: number;
  data: string;
  keras: Partial<Record<Arch, KerasResult | Failed>>;
  speed: Array<{ requested: string; arch: Arch; result: SpeedResult | MemoryResult | Failed }>;
  memory: Array<{ requested: string; result: SpeedResult | MemoryResult | Failed }>;
  memoryEpochs: number;
  memorySamples: number;
}

/** The issue's targets: minimum samples/s ratio to Keras, per backend and architecture. */
const TARGETS: Record<string, Partial<Record<Arch, number>>> = { tensorflow: { mlp: 0.6, cnn: 0.6 }, wasm: { mlp: 0.2, cnn: 0.15 } };
/** Issue 12's targets for the native backend (the product path is measured by bench/release.ts). */
const TARGETS_12: Partial<Record<Arch, number>> = { mlp: 1.0, cnn: 1.0 };
const MAX_MEMORY_GROWTH = 0.05;

const isFailed = (r: unknown): r is Failed => typeof r === 'object' && r !== null && 'error' in r;
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio = (n: number, keras: number | undefined): string => (keras ? `${(n / keras).toFixed(2)}x` : 'n/a');
const loads = (l: number[]): string => l.map((x) => x.toFixed(1)).join(' ');

function speedOf(report: TrainBenchReport, backend: string, arch: Arch): SpeedResult | Failed | undefined {
  const entry = report.speed.find((s) => s.requested === backend && s.arch === arch);
  if (!entry) return undefined;
  return isFailed(entry.result) || entry.result.mode === 'speed' ? (entry.result as SpeedResult | Failed) : undefined;
}

function kerasRate(report: TrainBenchReport, arch: Arch): number | undefined {
  const k = report.keras[arch];
  return k && !isFailed(k) ? k.samplesPerSec : undefined;
}

export function renderReport(report: TrainBenchReport): string {
  const out: string[] = [];
  out.push(`Training speed, ${report.samples.toLocaleString('en-US')} ${report.data === 'mnist' ? 'MNIST training images' : 'random images'}, one process per row`);
  out.push(`(${report.machine.cpus} CPUs, ${report.machine.cpuModel}; load average before: ${loads(report.machine.loadBefore)}, after: ${loads(report.machine.loadAfter)}; ${report.date})`);
  out.push('');
  if (report.speed.length > 0) renderSpeed(report, out);
  renderMemory(report, out);
  renderTargets(report, out);
  return out.join('\n') + '\n';
}

function renderSpeed(report: TrainBenchReport, out: string[]): void {
  const kerasVersion = Object.values(report.keras).find((k): k is KerasResult => !!k && !isFailed(k))?.tensorflowVersion;
  out.push('| Trainer | MLP samples/s (batch 128) | MLP vs Keras | CNN samples/s (batch 64) | CNN vs Keras | Peak RSS MLP / CNN |');
  out.push('|---|---:|---:|---:|---:|---:|');
  const kRow = (['mlp', 'cnn'] as const).map((arch) => report.keras[arch]);
  if (kRow.every((k) => k && !isFailed(k))) {
    const [m, c] = kRow as KerasResult[];
    out.push(`| Keras on TensorFlow ${kerasVersion} | ${int(m!.samplesPerSec)} | 1.00x | ${int(c!.samplesPerSec)} | 1.00x | ${int(m!.peakRssMb)} / ${int(c!.peakRssMb)} MB |`);
  } else {
    out.push(`| Keras on TensorFlow | ${kRow.map((k) => (k && isFailed(k) ? k.error : 'not run')).join('; ')} | | | | |`);
  }
  const backends = [...new Set(report.speed.map((s) => s.requested))];
  for (const backend of backends) {
    const [mlp, cnn] = [speedOf(report, backend, 'mlp'), speedOf(report, backend, 'cnn')];
    if (!mlp || !cnn || isFailed(mlp) || isFailed(cnn)) {
      const why = [mlp, cnn].map((r) => (r && isFailed(r) ? r.error : '')).find(Boolean) ?? 'no result';
      out.push(`| ${backend}: unavailable | ${why} | | | | |`);
      continue;
    }
    const label = `${mlp.backend} (${mlp.backendDescription})`;
    const rss = `${int(mlp.peakRssMb)} / ${int(cnn.peakRssMb)} MB`;
    // The epoch loop picks its step runner per model (ml/loop/step-runners.ts StepMethod): say which it took.
    const fastLabel = `runEpochs (${mlp.fastMethod === cnn.fastMethod ? mlp.fastMethod : `MLP: ${mlp.fastMethod}, CNN: ${cnn.fastMethod}`})`;
    for (const [loop, key] of [['model.fit', 'fitSamplesPerSec'], [fastLabel, 'fastSamplesPerSec']] as const) {
      out.push(
        `| ${label}, ${loop} | ${int(mlp[key])} | ${ratio(mlp[key], kerasRate(report, 'mlp'))} | ${int(cnn[key])} | ${ratio(cnn[key], kerasRate(report, 'cnn'))} | ${key === 'fitSamplesPerSec' ? rss : 'same process'} |`,
      );
    }
    // The compiled graph step's gain: the same loop with it turned off.
    if (mlp.stepwiseSamplesPerSec !== undefined || cnn.stepwiseSamplesPerSec !== undefined) {
      const cell = (r: SpeedResult, arch: Arch): [string, string] =>
        r.stepwiseSamplesPerSec === undefined ? ['-', '-'] : [int(r.stepwiseSamplesPerSec), ratio(r.stepwiseSamplesPerSec, kerasRate(report, arch))];
      const methods = `MLP: ${mlp.stepwiseMethod ?? '-'}, CNN: ${cnn.stepwiseMethod ?? '-'}`;
      out.push(`| ${label}, runEpochs without the compiled step (${methods}) | ${cell(mlp, 'mlp').join(' | ')} | ${cell(cnn, 'cnn').join(' | ')} | same process |`);
    }
  }

  out.push('');
}

function renderMemory(report: TrainBenchReport, out: string[]): void {
  if (report.memory.length === 0) return;
  out.push(`Memory: CNN trained with runEpochs for ${report.memoryEpochs} epochs on ${report.memorySamples.toLocaleString('en-US')} images, RSS after each epoch (after a full GC)`);
  out.push('');
  out.push('| Backend | RSS after epoch 1 | Largest RSS after a later epoch | Growth | Tensors after each epoch |');
  out.push('|---|---:|---:|---:|---|');
  for (const { requested, result } of report.memory) {
    if (isFailed(result) || result.mode !== 'memory') {
      out.push(`| ${requested} | ${isFailed(result) ? result.error : 'no result'} | | | |`);
      continue;
    }
    const { first, later, growth } = memoryGrowth(result);
    const tensors = new Set(result.tensorsAfterEpoch).size === 1 ? `${result.tensorsAfterEpoch[0]} (constant)` : result.tensorsAfterEpoch.join(', ');
    out.push(`| ${result.backend} | ${first.toFixed(0)} MB | ${later.toFixed(0)} MB | ${(growth * 100).toFixed(1)}% | ${tensors} |`);
  }

  out.push('');
}

function renderTargets(report: TrainBenchReport, out: string[]): void {
  out.push('Targets (issue 5), with the faster of model.fit and runEpochs:');
  for (const [backend, archs] of report.speed.length > 0 ? Object.entries(TARGETS) : []) {
    for (const [arch, target] of Object.entries(archs) as Array<[Arch, number]>) {
      const r = speedOf(report, backend, arch);
      const keras = kerasRate(report, arch);
      if (!r || isFailed(r) || !keras) {
        out.push(`- ${backend} ${arch} >= ${target}x Keras: not measured`);
        continue;
      }
      const best = Math.max(r.fitSamplesPerSec, r.fastSamplesPerSec) / keras;
      out.push(`- ${backend} ${arch} >= ${target}x Keras: ${best.toFixed(3)}x, ${best >= target ? 'met' : 'MISSED'}`);
    }
  }
  for (const [arch, target] of Object.entries(TARGETS_12) as Array<[Arch, number]>) {
    const r = speedOf(report, 'tensorflow', arch);
    const keras = kerasRate(report, arch);
    if (!r || isFailed(r) || !keras) continue;
    const loop = r.fastSamplesPerSec / keras;
    out.push(`- issue 12: tensorflow ${arch} runEpochs (${r.fastMethod}) >= ${target}x Keras: ${loop.toFixed(3)}x, ${loop >= target ? 'met' : 'MISSED'}`);
  }
  for (const { requested, result } of report.memory) {
    if (isFailed(result) || result.mode !== 'memory') continue;
    const { growth } = memoryGrowth(result);
    out.push(`- ${requested} memory flat after epoch 1 (within ${MAX_MEMORY_GROWTH * 100}%): ${(growth * 100).toFixed(1)}%, ${growth <= MAX_MEMORY_GROWTH ? 'met' : 'MISSED'}`);
  }
}

function memoryGrowth(result: MemoryResult): { first: number; later: number; growth: number } {
  const first = result.rssMbAfterEpoch[0] ?? 0;
  const later = Math.max(first, ...result.rssMbAfterEpoch.slice(1));
  return { first, later, growth: first ? later / first - 1 : 0 };
}

/**
 * What changed between two releases (any two manifests: the previous version, a channel head):
 * accuracy, per-class accuracy, size and latency of the chosen files and of each variant both have,
 * each change flagged when the newer release would cross one of its own gate budgets.
 * Shared by report.html and `liteship compare`.
 */
import { gatedSize } from '../contracts';
import { chosenBenchmark, releaseName, type ReleaseRecord } from './release-record';

export interface DiffRow {
  metric: string;
  before?: number;
  after?: number;
  /** after - before, in the row's unit (percentage points for accuracies). */
  change?: number;
  /** Formatted values and change, ready to print. */
  text: { before: string; after: string; change: string };
  /** The change goes the wrong way (less accurate, bigger, slower). */
  worse: boolean;
  /** The budget the newer release crosses with this figure, in plain words. */
  budget?: string;
}

export interface ClassDiff {
  label: string;
  before: number;
  after: number;
  changePoints: number;
  worse: boolean;
}

export interface ReleaseDiff {
  from: string;
  to: string;
  chosen: { before: string; after: string };
  rows: DiffRow[];
  perClass: ClassDiff[];
  /** Variant by variant, for variants both releases built. */
  variants: Array<{ variant: string; rows: DiffRow[] }>;
  /** Every budget crossed, one line each. */
  crossed: string[];
}

type Kind = 'accuracy' | 'bytes' | 'ms';

/** A change smaller than this is noise, not "worse": 0.05 points of accuracy, 0.5% of a size, 10% of a time (timings jitter with load). */
const NOISE = { accuracy: 0.05, bytes: 0.005, ms: 0.1 } as const;

function format(kind: Kind, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  if (kind === 'accuracy') return `${(v * 100).toFixed(2)}%`;
  if (kind === 'bytes') return `${v} B`;
  return `${v.toFixed(3)} ms`;
}

function row(metric: string, kind: Kind, before: number | undefined, after: number | undefined, budget?: string): DiffRow {
  const both = before !== undefined && after !== undefined && Number.isFinite(before) && Number.isFinite(after);
  const change = both ? after - before : undefined;
  let changeText = '-';
  let worse = false;
  if (change !== undefined && both) {
    if (kind === 'accuracy') {
      changeText = `${change >= 0 ? '+' : ''}${(change * 100).toFixed(2)} pts`;
      worse = change * 100 < -NOISE.accuracy;
    } else {
      const relative = before === 0 ? 0 : change / before;
      changeText = `${change >= 0 ? '+' : ''}${kind === 'bytes' ? `${change} B` : `${change.toFixed(3)} ms`} (${relative >= 0 ? '+' : ''}${(relative * 100).toFixed(1)}%)`;
      worse = relative > NOISE[kind];
    }
  }
  return {
    metric,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    ...(change !== undefined ? { change } : {}),
    text: { before: format(kind, before), after: format(kind, after), change: changeText },
    worse,
    ...(budget ? { budget } : {}),
  };
}

/** Budgets of the newer release's gate that its chosen figures (or its accuracy drop from `from`) cross. */
function budgetCrossings(from: ReleaseRecord, to: ReleaseRecord) {
  const gate = to.manifest.spec.gate;
  const chosen = to.manifest.variants.find((v) => v.chosen);
  const s = to.manifest.summary;
  const dropPoints = (from.manifest.summary.tfliteAccuracy - s.tfliteAccuracy) * 100;
  const size = chosen?.bytes !== undefined && chosen.gzipBytes !== undefined ? gatedSize({ bytes: chosen.bytes, gzipBytes: chosen.gzipBytes }, gate.sizeBy) : undefined;
  const out: { accuracy?: string; size?: string; p90?: string } = {};
  if (dropPoints > gate.maxAccuracyDropPoints) {
    out.accuracy = `accuracy fell ${dropPoints.toFixed(2)} points since ${releaseName(from)}, over the budget of ${gate.maxAccuracyDropPoints}`;
  } else if (gate.minAccuracy !== undefined && s.tfliteAccuracy < gate.minAccuracy) {
    out.accuracy = `accuracy ${(s.tfliteAccuracy * 100).toFixed(2)}% is below the minimum ${(gate.minAccuracy * 100).toFixed(2)}%`;
  }
  if (gate.maxBytes !== undefined && size !== undefined && size > gate.maxBytes) {
    out.size = `${gate.sizeBy === 'gzip' ? 'gzip size' : 'size'} ${size} B is over the budget of ${gate.maxBytes} B`;
  }
  if (gate.maxP90Ms !== undefined && s.latencyP90Ms > gate.maxP90Ms) out.p90 = `p90 ${s.latencyP90Ms.toFixed(3)} ms is over the budget of ${gate.maxP90Ms} ms`;
  return out;
}

export function diffReleases(from: ReleaseRecord, to: ReleaseRecord): ReleaseDiff {
  const a = from.manifest;
  const b = to.manifest;
  const chosenA = a.variants.find((v) => v.chosen);
  const chosenB = b.variants.find((v) => v.chosen);
  const budget = budgetCrossings(from, to);
  const rows = [
    row('accuracy (TFLite)', 'accuracy', a.summary.tfliteAccuracy, b.summary.tfliteAccuracy, budget.accuracy),
    row('accuracy (tfjs)', 'accuracy', a.summary.tfjsAccuracy, b.summary.tfjsAccuracy),
    row('size', 'bytes', a.summary.tfliteBytes, b.summary.tfliteBytes, b.spec.gate.sizeBy === 'gzip' ? undefined : budget.size),
    row('gzip size', 'bytes', chosenA?.gzipBytes, chosenB?.gzipBytes, b.spec.gate.sizeBy === 'gzip' ? budget.size : undefined),
    row('latency p50', 'ms', a.summary.latencyP50Ms, b.summary.latencyP50Ms),
    row('latency p90', 'ms', a.summary.latencyP90Ms, b.summary.latencyP90Ms, budget.p90),
    row('latency p99', 'ms', a.summary.latencyP99Ms, b.summary.latencyP99Ms),
  ];
  const memoryA = chosenBenchmark(from)?.memory?.peakRssIncreaseBytes;
  const memoryB = chosenBenchmark(to)?.memory?.peakRssIncreaseBytes;
  if (memoryA !== undefined || memoryB !== undefined) rows.push(row('memory (peak RSS increase)', 'bytes', memoryA, memoryB));

  const classesA = chosenBenchmark(from)?.tflite.perClassAccuracy;
  const classesB = chosenBenchmark(to)?.tflite.perClassAccuracy;
  const perClass: ClassDiff[] = [];
  if (classesA && classesB) {
    for (let c = 0; c < Math.min(classesA.length, classesB.length); c++) {
      const before = classesA[c] ?? Number.NaN;
      const after = classesB[c] ?? Number.NaN;
      const changePoints = (after - before) * 100;
      perClass.push({ label: String(c), before, after, changePoints, worse: changePoints < -NOISE.accuracy });
    }
  }

  const variants = b.variants.flatMap((vb) => {
    const va = a.variants.find((v) => v.variant === vb.variant);
    if (!va || va.bytes === undefined || vb.bytes === undefined) return [];
    return [
      {
        variant: vb.variant,
        rows: [
          row('accuracy', 'accuracy', va.accuracy, vb.accuracy),
          row('size', 'bytes', va.bytes, vb.bytes),
          row('gzip size', 'bytes', va.gzipBytes, vb.gzipBytes),
          row('latency p50', 'ms', va.latencyP50Ms, vb.latencyP50Ms),
          row('latency p90', 'ms', va.latencyP90Ms, vb.latencyP90Ms),
        ],
      },
    ];
  });

  return {
    from: releaseName(from),
    to: releaseName(to),
    chosen: { before: a.chosenVariant, after: b.chosenVariant },
    rows,
    perClass,
    variants,
    crossed: rows.flatMap((r) => (r.budget ? [r.budget] : [])),
  };
}

/** Human-readable endings of a run: the release summary, or the chain of reasons it failed. */
import type { WorkflowFailedError } from '@temporalio/client';
import { isPrunedVariant, type PrunedModelRef, type ReleaseResult } from '../contracts';
import { formatDuration } from './progress-view';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

export function formatSummary(r: ReleaseResult, url?: string): string {
  const b = r.benchmark;
  const total = Object.values(r.stepTimingsMs).reduce((s, x) => s + x, 0);
  return [
    ``,
    `released ${r.model} ${r.version}: ${r.chosenVariant} (${r.selection.explanation})`,
    ...(r.outcome && r.outcome.label !== 'released' ? [`  outcome      ${r.outcome.text}`] : []),
    ...(r.recipe?.trainedFrom ? [`  train        reused from ${r.recipe.trainedFrom} (same recipe for training; key ${r.recipe.trainKey.slice(0, 12)})`] : []),
    ...(r.notes ?? []).map((n) => `  note         ${n}`),
    ...variantTable(r),
    ...(r.pruning ? [`  pruning      ${pruningLine(r.pruning)}`] : []),
    ``,
    `model.tflite (${r.chosenVariant}):`,
    `  accuracy     tfjs ${pct(b.tfjsAccuracy)}${isPrunedVariant(r.chosenVariant) ? ' (pruned model)' : ''}   TFLite ${pct(b.tflite.accuracy)}   (gap ${b.accuracyGapPoints.toFixed(2)} points, ${b.tflite.count} test images)`,
    `  model.tflite ${formatBytes(b.fileBytes)}`,
    `  latency      p50 ${b.latency.p50Ms.toFixed(3)} ms   p90 ${b.latency.p90Ms.toFixed(3)} ms   p99 ${b.latency.p99Ms.toFixed(3)} ms` +
      `   (${b.latency.runs} runs, batch 1, ${b.runtime.threads} thread, ${b.runtime.name} / TFLite ${b.runtime.tfliteVersion})`,
    `  load         ${b.loadMs.toFixed(1)} ms, first inference ${b.firstInferenceMs.toFixed(2)} ms`,
    `  steps        ${Object.entries(r.stepTimingsMs).map(([s, ms]) => `${s} ${formatDuration(ms)}`).join(', ')} (total ${formatDuration(total)})`,
    `  release      ${r.uri}`,
    `  manifest     ${r.manifestUri}`,
    ...(r.channels?.length ? [`  channels     ${r.channels.map(channelLine).join('; ')}`] : []),
    ...(url ? [`  workflow     ${url}`] : []),
    ``,
  ].join('\n');
}

function channelLine(c: NonNullable<ReleaseResult['channels']>[number]): string {
  return c.moved ? `${c.channel} -> ${c.version ?? '?'}` : `${c.channel} not moved: ${c.note ?? 'unknown reason'}`;
}

function pruningLine(p: PrunedModelRef): string {
  const layers = p.layers.map((l) => `${l.layer} ${(l.sparsity * 100).toFixed(1)}%`).join(', ');
  return `${(p.sparsity * 100).toFixed(1)}% of kernel weights are zero (target ${p.targetSparsity}; ${layers}) after ${p.epochs} fine-tuning epochs, tfjs accuracy ${pct(p.accuracy)}`;
}

/** One row per variant: size, accuracy, latency and the gate's verdict. */
export function variantTable(r: Pick<ReleaseResult, 'selection' | 'chosenVariant'>): string[] {
  const header = ['variant', 'size', 'gzip', 'accuracy', 'p50 ms', 'p90 ms', 'gate'];
  const rows = r.selection.verdicts.map((v) => [
    `${v.variant === r.chosenVariant ? '*' : ' '} ${v.variant}`,
    v.figures ? formatBytes(v.figures.bytes) : '-',
    v.figures ? formatBytes(v.figures.gzipBytes) : '-',
    v.figures ? pct(v.figures.accuracy) : '-',
    v.figures ? v.figures.p50Ms.toFixed(3) : '-',
    v.figures ? v.figures.p90Ms.toFixed(3) : '-',
    v.passed ? 'pass' : v.reasons.map((x) => x.replace(`${v.variant}: `, '')).join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const notes = r.selection.verdicts.flatMap((v) => v.notes).map((n) => `  note: ${n}`);
  return [...[header, ...rows].map((row) => `  ${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`), ...notes];
}

/** The failure and its causes, outermost first, without the SDK's wrapper noise. */
export function failureChain(err: WorkflowFailedError): string[] {
  const out: string[] = [];
  let cause: unknown = err.cause;
  while (cause instanceof Error) {
    const type = (cause as Error & { type?: string }).type;
    const activity = (cause as Error & { activityType?: string }).activityType;
    const label = activity ? `step ${activity} failed` : type ? `${type}` : cause.name;
    if (cause.message && !/^Activity task failed$/.test(cause.message)) out.push(`${label}: ${cause.message}`);
    else if (activity) out.push(label);
    cause = (cause as Error & { cause?: unknown }).cause;
  }
  return out.length > 0 ? out : [err.message];
}

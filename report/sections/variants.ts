/** Every variant built: figures, gate verdict and reasons, and charts of size, latency, accuracy and memory. */
import type { BenchmarkReport, ReleaseVariantEntry } from '../../contracts';
import { barChart, lineChart, type ChartSpec } from '../charts';
import { bytes, chartBox, el, join, ms, percent, section, table } from '../html';
import type { ReportInput } from '../input';

function verdict(v: ReleaseVariantEntry) {
  if (v.chosen) return el('td', { class: 'verdict chosen' }, 'chosen');
  if (!v.candidate) return el('td', { class: 'verdict muted' }, v.file ? 'reference' : 'failed');
  return el('td', { class: v.passed ? 'verdict pass' : 'verdict fail' }, v.passed ? 'pass' : 'fail');
}

export function variantsSection({ release }: ReportInput): { html: ReturnType<typeof section>; charts: ChartSpec[] } {
  const m = release.manifest;
  const benchmarks = new Map<string, BenchmarkReport>((release.metrics?.benchmarks ?? []).map((b) => [b.variant, b]));
  const rows = m.variants.map((v) => [
    el('td', {}, el('strong', {}, v.variant)),
    bytes(v.bytes),
    bytes(v.gzipBytes),
    percent(v.accuracy),
    v.accuracyDropPoints === undefined ? '-' : `${v.accuracyDropPoints.toFixed(2)} pts`,
    ms(v.latencyP50Ms),
    ms(v.latencyP90Ms),
    ms(v.latencyP99Ms),
    bytes(benchmarks.get(v.variant)?.memory?.peakRssIncreaseBytes),
    verdict(v),
    el('td', { class: 'reasons' }, ...[...v.reasons, ...v.notes].map((r) => el('div', {}, r))),
  ]);
  const measured = m.variants.filter((v) => v.bytes !== undefined);
  const labels = measured.map((v) => v.variant);
  const charts: ChartSpec[] = [
    barChart('chart-size', labels, [
      { label: 'bytes', data: measured.map((v) => v.bytes ?? null) },
      { label: 'gzip bytes', data: measured.map((v) => v.gzipBytes ?? null) },
    ], 'bytes', { beginAtZero: true }),
    barChart('chart-latency', labels, [
      { label: 'p50', data: measured.map((v) => v.latencyP50Ms ?? null) },
      { label: 'p90', data: measured.map((v) => v.latencyP90Ms ?? null) },
      { label: 'p99', data: measured.map((v) => v.latencyP99Ms ?? null) },
    ], 'ms per inference (batch 1)', { beginAtZero: true }),
    barChart('chart-accuracy', labels, [{ label: 'accuracy on the test set (%)', data: measured.map((v) => (v.accuracy === undefined ? null : v.accuracy * 100)) }], '%'),
  ];
  const withMemory = measured.filter((v) => benchmarks.get(v.variant)?.memory);
  if (withMemory.length > 0) {
    charts.push(barChart('chart-memory', withMemory.map((v) => v.variant), [
      { label: 'peak RSS increase (KiB)', data: withMemory.map((v) => Math.round((benchmarks.get(v.variant)?.memory?.peakRssIncreaseBytes ?? 0) / 1024)) },
    ], 'KiB', { beginAtZero: true }));
  }
  const histograms = [...benchmarks.values()].filter((b) => b.latencyHistogram);
  if (histograms.length > 0) {
    charts.push(lineChart('chart-latency-distribution', histograms.map((b) => {
      const h = b.latencyHistogram!;
      return { label: b.variant, data: h.counts.map((count, i) => ({ x: Number((h.startMs + (i + 0.5) * h.binMs).toFixed(5)), y: count })) };
    }), 'ms per inference', 'runs', { beginAtZero: true }));
  }
  const runtime = [...benchmarks.values()][0]?.runtime;
  const runs = m.spec.benchmark.runs;
  const boxes = charts.map((c) => chartBox(c.id, CHART_TITLES[c.id] ?? c.id));
  const html = section(
    'variants',
    'Variants',
    el('p', {}, `Each file in ${runtime ? `${runtime.name} (TFLite ${runtime.tfliteVersion}), ${runtime.threads} thread` : 'the TFLite interpreter'}; latency over ${runs} runs at batch 1; accuracy on all ${m.dataset.testCount} test images; memory: peak RSS increase of a process that loads the file and runs it.`),
    table(['variant', 'size', 'gzip', 'accuracy', 'drop', 'p50', 'p90', 'p99', 'memory', 'gate', 'reasons and notes'], rows, { id: 'variants-table' }),
    el('div', { class: 'charts' }, join(boxes)),
  );
  return { html, charts };
}

const CHART_TITLES: Record<string, string> = {
  'chart-size': 'File size per variant',
  'chart-latency': 'Latency p50 / p90 / p99',
  'chart-accuracy': 'Accuracy in the interpreter',
  'chart-memory': 'Memory to load and run',
  'chart-latency-distribution': 'Latency distribution (runs per bin, up to p99)',
};

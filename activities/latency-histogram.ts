/** Bins the timed runs of a benchmark so the report can draw their distribution without keeping every sample. */
import type { LatencyHistogram } from '../contracts';
import { percentile } from './percentile';

const BINS = 24;

/** Equal bins from the fastest run to the p99; slower runs are counted in `over` (a tail would flatten the chart). */
export function latencyHistogram(samplesMs: number[]): LatencyHistogram {
  if (samplesMs.length === 0) throw new Error('latency histogram of no samples');
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const startMs = sorted[0]!;
  const top = percentile(sorted, 99);
  // Identical samples still get a visible bin: 1% of the value (or 1 ns).
  const binMs = top > startMs ? (top - startMs) / BINS : Math.max(startMs * 0.01, 1e-6);
  const counts = new Array<number>(BINS).fill(0);
  let over = 0;
  for (const s of sorted) {
    const bin = Math.floor((s - startMs) / binMs);
    if (s > top) over++;
    else counts[Math.min(bin, BINS - 1)]! += 1;
  }
  return { startMs, binMs, counts, over };
}

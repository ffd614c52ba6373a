/** One published release as the report and compare read it: its manifest and, when present, its metrics.json. */
import type { ReleaseManifest, ReleaseMetricsFile } from '../contracts';

export interface ReleaseRecord {
  manifest: ReleaseManifest;
  metrics?: ReleaseMetricsFile;
}

/** The chosen file's benchmark (per-class accuracy, memory, latency histogram), when metrics.json has it. */
export function chosenBenchmark(r: ReleaseRecord) {
  return r.metrics?.benchmarks.find((b) => b.variant === r.manifest.chosenVariant);
}

export const releaseName = (r: ReleaseRecord) => `${r.manifest.model} ${r.manifest.version}`;

/** The manifest written last into every release: it makes the release visible and reproducible. */
import type { ArtifactRef } from './artifacts';
import type { BackendReport, BenchmarkReport, EpochMetrics, EvaluationMetrics, KernelSparsityEntry, Mistake, QuantizedIo, SparseEncodingSummary } from './results';
import type { RecipeRecord } from './recipe';
import type { RegressionVerdict } from './regression';
import type { ReleaseSpec } from './spec';
import type { ModelVariant } from './variants';

export const MANIFEST_SCHEMA = 'liteship.release/v1';

export interface ReleaseManifest {
  schema: typeof MANIFEST_SCHEMA;
  model: string;
  version: string;
  createdAt: string;
  /** Every other file of the release, with the sha256 a downloader checks. */
  files: Record<string, Omit<ArtifactRef, 'uri'>>;
  spec: ReleaseSpec;
  dataset: {
    fingerprint: string;
    source: string;
    trainCount: number;
    testCount: number;
    imageShape: number[];
    numClasses: number;
    /** Class names by output index (image folders: the sorted folder names). */
    labels?: string[];
    /** Images left out because data.onBadImage is "skip": every one, with why. */
    skipped?: Array<{ file: string; reason: string }>;
  };
  pipeline: { gitCommit: string; liteshipVersion: string };
  runtimes: Record<string, string> & { trainingBackend: string };
  training: { epochs: number; finalLoss: number; finalAccuracy: number; resumedFromEpoch: number; parameterCount: number; backend: BackendReport };
  /** Present when the release has pruned variants: how the pruned model was made, sparsity per kernel. */
  pruning?: {
    targetSparsity: number;
    sparsity: number;
    epochs: number;
    steps: number;
    resumedFromEpoch: number;
    /** The pruned tfjs model on the test set. */
    tfjsAccuracy: number;
    layers: KernelSparsityEntry[];
  };
  /** The variant published as model.tflite, picked by the gate. */
  chosenVariant: ModelVariant;
  selection: string;
  /** Every variant built, with its figures and the gate's verdict. */
  variants: ReleaseVariantEntry[];
  summary: {
    tfjsAccuracy: number;
    tfliteAccuracy: number;
    accuracyGapPoints: number;
    tfliteBytes: number;
    latencyP50Ms: number;
    latencyP90Ms: number;
    latencyP99Ms: number;
  };
  stepTimingsMs: Record<string, number>;
  /** The recipe key this release was made from (absent in releases made before recipe keys). */
  recipe?: RecipeRecord;
  /** spec.promote: this release against the channel's, both measured in this run; the channel moved only if it passed. */
  regression?: RegressionVerdict;
  workflow: { workflowId: string; runId: string };
}

export interface ReleaseVariantEntry {
  variant: ModelVariant;
  /** File name in the release, when the variant was built and measured. */
  file?: string;
  bytes?: number;
  /** gzip -9 of the file: what a download costs (pruning's zeros compress). */
  gzipBytes?: number;
  accuracy?: number;
  accuracyDropPoints?: number;
  latencyP50Ms?: number;
  latencyP90Ms?: number;
  latencyP99Ms?: number;
  /** Present for int8: the scale and zero point of each input/output. */
  io?: QuantizedIo;
  /** Pruned variants: which FULLY_CONNECTED weights use TFLite's sparse encoding, and why others stay dense. */
  sparse?: SparseEncodingSummary;
  candidate: boolean;
  passed: boolean;
  chosen: boolean;
  reasons: string[];
  /** Facts that do not fail the gate, e.g. a sparse encoding that is not faster than dense. */
  notes: string[];
}

export interface ReleaseMetricsFile {
  evaluation: EvaluationMetrics;
  benchmarks: BenchmarkReport[];
  failures: Array<{ variant: ModelVariant; step: string; error: string }>;
  /** Per-epoch training curves (releases made before they were recorded have none). */
  training?: { history: EpochMetrics[] };
  /** What each built file holds: operators, tensors, minimum runtime. */
  models?: ModelFacts[];
  /** Test images the chosen file gets wrong, as PNG data URIs, for the report's grid. */
  chosenMistakes?: Array<Mistake & { png: string }>;
}

/** A .tflite file's structure, as the report shows it. */
export interface ModelFacts {
  variant: ModelVariant;
  operators: Array<{ name: string; version: number; count: number }>;
  minRuntimeVersion?: string;
  tensorCount: number;
  /** Constant tensors, largest first (the first few). */
  largestTensors: Array<{ name: string; type: string; shape: number[]; bytes: number }>;
  weightBytes: number;
}

/** Auto-assigned versions are v1, v2, ...; explicit ones are whatever the spec says. */
export function parseAutoVersion(version: string): number | undefined {
  const m = /^v(\d{1,9})$/.exec(version);
  return m ? Number(m[1]) : undefined;
}

export function nextAutoVersion(existing: string[]): string {
  const numbers = existing.map(parseAutoVersion).filter((n): n is number => n !== undefined);
  return `v${numbers.length === 0 ? 1 : Math.max(...numbers) + 1}`;
}

/** What steps report back: small, JSON-safe figures that may travel through workflow history. */
import type { ArtifactRef } from './artifacts';
import type { ModelVariant, VariantSelection } from './variants';

export interface PreparedDataRef {
  dataset: ArtifactRef;
  /** sha256 of the prepared dataset bytes: the release records it as the data fingerprint. */
  fingerprint: string;
  source: string;
  trainCount: number;
  testCount: number;
  imageShape: [number, number, number];
  numClasses: number;
  /** Class names in class-index order (image folders: the folder names); absent: "0".."N-1". */
  labels?: string[];
}

export interface BackendReport {
  name: string;
  tfjsVersion: string;
  details?: Record<string, string | number | boolean>;
}

export interface TrainedModelRef {
  model: ArtifactRef;
  epochs: number;
  finalLoss: number;
  finalAccuracy: number;
  /** Epoch a retried attempt resumed from (0 when it started fresh). */
  resumedFromEpoch: number;
  backend: BackendReport;
  parameterCount: number;
}

/** One pruned kernel: how many of its weights are zero. */
export interface KernelSparsityEntry {
  layer: string;
  weight: string;
  size: number;
  zeros: number;
  sparsity: number;
}

export interface PrunedModelRef {
  model: ArtifactRef;
  targetSparsity: number;
  /** Zeros over all pruned kernels. */
  sparsity: number;
  layers: KernelSparsityEntry[];
  epochs: number;
  steps: number;
  /** Epoch a retried attempt resumed from (0 when it started fresh). */
  resumedFromEpoch: number;
  /** The pruned tfjs model on the full test set: its files are checked against it. */
  accuracy: number;
  backend: BackendReport;
}

export interface ClassifierMetrics {
  count: number;
  accuracy: number;
  perClassAccuracy: number[];
  confusionMatrix: number[][];
}

export interface EvaluationMetrics extends ClassifierMetrics {
  loss: number;
}

export interface QuantizedIo {
  inputs: Array<{ name: string; scale: number; zeroPoint: number }>;
  outputs: Array<{ name: string; scale: number; zeroPoint: number }>;
}

export interface ConvertedModelRef {
  tflite: ArtifactRef;
  variant: ModelVariant;
  converter: string;
  /** int8 variant: the input/output quantization an app needs (with int8 I/O). */
  io?: QuantizedIo;
  /** Pruned variants: FULLY_CONNECTED weights stored in TFLite's sparse encoding, and those left dense with why. */
  sparse?: SparseEncodingSummary;
}

export interface SparseEncodingSummary {
  encoded: Array<{ name: string; denseBytes: number; sparseBytes: number; density: number }>;
  dense: Array<{ name: string; reason: string }>;
}

export interface LatencyFigures {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  runs: number;
}

export interface BenchmarkReport {
  variant: ModelVariant;
  runtime: { name: string; version: string; tfliteVersion: string; threads: number };
  fileBytes: number;
  /** The file gzipped at level 9: what an app download or update costs. */
  gzipBytes: number;
  loadMs: number;
  firstInferenceMs: number;
  latency: LatencyFigures;
  tflite: ClassifierMetrics;
  tfjsAccuracy: number;
  accuracyGapPoints: number;
}

export interface PublishedRelease {
  model: string;
  version: string;
  uri: string;
  manifestUri: string;
  files: Record<string, ArtifactRef>;
}

/** One variant's branch of the release: its file and figures, or why it could not be made. */
export type VariantResult =
  | { ok: true; converted: ConvertedModelRef; benchmark: BenchmarkReport }
  | { ok: false; variant: ModelVariant; step: 'prune' | 'convert' | 'benchmark'; error: string };

export interface ReleaseResult extends PublishedRelease {
  evaluation: EvaluationMetrics;
  /** The chosen variant's benchmark (the file published as model.tflite). */
  benchmark: BenchmarkReport;
  chosenVariant: ModelVariant;
  selection: VariantSelection;
  /** Present when the release has pruned variants. */
  pruning?: PrunedModelRef;
  stepTimingsMs: Record<string, number>;
}

/** What steps report back: small, JSON-safe figures that may travel through workflow history. */
import type { ArtifactRef } from './artifacts';
import type { ChannelMoveOutcome } from './channels';
import type { RunOutcome } from './outcome';
import type { RecipeRecord } from './recipe';
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
  /** Images left out because data.onBadImage is "skip" (the stored dataset manifest lists each one). */
  skippedCount?: number;
}

export interface BackendReport {
  name: string;
  tfjsVersion: string;
  details?: Record<string, string | number | boolean>;
}

/** One epoch of training: the training set's running means and the held-out test figures. */
export interface EpochMetrics {
  /** 1-based: the epoch that just finished. */
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
}

export interface TrainedModelRef {
  model: ArtifactRef;
  epochs: number;
  /** Per-epoch curves for the report (every epoch, also those of an attempt that was resumed). */
  history?: EpochMetrics[];
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

/** A test image the classifier got wrong: its index in the test set and both labels. */
export interface Mistake {
  index: number;
  label: number;
  predicted: number;
}

export interface ClassifierMetrics {
  count: number;
  accuracy: number;
  perClassAccuracy: number[];
  confusionMatrix: number[][];
  /** The first few misclassified test images, in test-set order (capped: a sample for the report). */
  mistakes?: Mistake[];
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

/** Latency of the timed runs, binned: what the report draws as a distribution. */
export interface LatencyHistogram {
  /** Lower edge of the first bin. */
  startMs: number;
  binMs: number;
  counts: number[];
  /** Runs slower than the last bin's upper edge. */
  over: number;
}

/** Memory a variant needs, measured in a child process that loads the file and runs it. */
export interface MemoryFigures {
  /** Peak resident set size increase over the process before the interpreter was created. */
  peakRssIncreaseBytes: number;
  /** The child's peak RSS (runtime and Node included), for scale. */
  peakRssBytes: number;
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
  latencyHistogram?: LatencyHistogram;
  memory?: MemoryFigures;
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
  /** Channels this run moved (latest, and a promoted one), or why not. Absent in runs before channels. */
  channels?: ChannelMoveOutcome[];
  /** How the run ended (absent in runs before outcomes). */
  outcome?: RunOutcome;
  recipe?: RecipeRecord;
  /** Why a matching release or trained model was not reused, when one was found. */
  notes?: string[];
}

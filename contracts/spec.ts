/**
 * The release spec: what a user writes to describe a release, validated once
 * at the edge (CLI and workflow) so every later step can trust it.
 * Pure TypeScript: imported by the workflow sandbox, the CLI and the activities.
 */

import { architectureImageProblem, checkArchitecture, type ArchitectureSpec } from './architecture';
import { FailureType, type FailureDeclaration } from './errors';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE, VERSION_PATTERN, VERSION_RULE } from './names';
import { channelNameProblem } from './channels';
import { promoteProblems, promoteSpecOf, type PromoteSpec } from './regression';
import { checkFolderData, type FolderDataSpec } from './folder-data';
import { MODEL_VARIANTS, QUANTIZATION_VARIANTS, isPrunedVariant, type GateBudgets, type ModelVariant } from './variants';
import type { SpecSchemaRecorder } from './spec-schema-recorder';

export type { Architecture, ArchitectureSpec, BuiltinArchitecture, LayerConfigSpec } from './architecture';
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** A local path (absolute on the worker's machine) or an `s3://bucket/key` URI. */
export type DataLocation = string;

export type DataSpec =
  | { source: 'mnist' }
  | {
      source: 'idx';
      trainImages: DataLocation;
      trainLabels: DataLocation;
      testImages: DataLocation;
      testLabels: DataLocation;
      numClasses: number;
    }
  | {
      source: 'csv';
      train: DataLocation;
      test: DataLocation;
      imageShape: [number, number, number];
      numClasses: number;
    }
  | FolderDataSpec;

export interface TrainingSpec {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  backend: BackendPreference;
}

export interface BenchmarkSpec {
  /** Timed inferences at batch 1 after warm-up. */
  runs: number;
  warmupRuns: number;
  threads: number;
  /** Largest allowed |tfjs accuracy - TFLite accuracy|, in percentage points. */
  maxAccuracyGapPoints: number;
}

export interface QuantizationSpec {
  /** Representative training images used to calibrate full int8 activations. */
  calibrationSamples: number;
  /** Full int8 with int8 input/output tensors (scale and zero point go in the manifest). */
  int8Io: boolean;
}

/** Magnitude pruning during a fine-tuning pass after training; builds the `pruned-*` variants. */
export interface PruningSpec {
  /** Fraction of each Dense/Conv kernel set to zero by the end of fine-tuning, e.g. 0.5-0.8. */
  targetSparsity: number;
  /** Fine-tuning epochs over the training set. */
  epochs: number;
  /** Fine-tuning learning rate (default: training.learningRate). */
  learningRate: number;
  /** Optimizer steps between mask updates (TF Model Optimization's default is 100). */
  frequency: number;
  /**
   * Dense kernels are pruned in blocks of this many consecutive inputs per output (Conv kernels
   * weight by weight). 4 (default) matches TFLite's float 1x4 sparse kernel and leaves longer zero
   * runs, which compress better; 1 prunes single weights.
   */
  blockSize: number;
}

export interface ReleaseSpec {
  /** Release name: the first path segment in the bucket. */
  model: string;
  /** Explicit version; when absent the next free `v<N>` is taken. */
  version?: string;
  description?: string;
  /** "mlp" (default), "cnn", or an object form: see contracts/architecture.ts. */
  architecture: ArchitectureSpec;
  data: DataSpec;
  training: TrainingSpec;
  benchmark: BenchmarkSpec;
  /** File variants to build, evaluate and benchmark; the gate picks the one to ship. */
  variants: ModelVariant[];
  quantization: QuantizationSpec;
  /** Present when the spec asks for pruned variants. */
  pruning?: PruningSpec;
  gate: GateBudgets;
  /** Move a channel (e.g. stable) to this release when it is not worse than the channel's current one. */
  promote?: PromoteSpec;
}

export const DEFAULT_TRAINING: TrainingSpec = { epochs: 5, batchSize: 32, learningRate: 0.001, seed: 42, backend: 'auto' };
/** Without pruning: every quantization of the trained model. With pruning, the pruned ones too. */
export const DEFAULT_VARIANTS: ModelVariant[] = [...QUANTIZATION_VARIANTS];
export const DEFAULT_PRUNING: Omit<PruningSpec, 'targetSparsity' | 'learningRate'> = { epochs: 2, frequency: 100, blockSize: 4 };
export const DEFAULT_QUANTIZATION: QuantizationSpec = { calibrationSamples: 300, int8Io: false };
export const DEFAULT_GATE: GateBudgets = { maxAccuracyDropPoints: 1 };
export const DEFAULT_BENCHMARK: BenchmarkSpec = { runs: 200, warmupRuns: 20, threads: 1, maxAccuracyGapPoints: 0.2 };

export interface SpecProblem {
  path: string;
  message: string;
}

export class SpecValidationError extends Error {
  override readonly name = 'SpecValidationError';
  static readonly failure: FailureDeclaration = { type: FailureType.invalidSpec, retryable: false };
  constructor(
    readonly problems: SpecProblem[],
    readonly source = 'spec',
  ) {
    super(
      `${source} is not a valid release spec (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
    );
  }
}


/**
 * Collects every problem instead of stopping at the first, so one edit fixes the spec. With a
 * recorder it also reports each rule it applies: the spec's JSON Schema is derived from these calls.
 */
class Checker {
  readonly problems: SpecProblem[] = [];

  constructor(readonly recorder?: SpecSchemaRecorder) {}

  fail(path: string, message: string): undefined {
    this.problems.push({ path, message });
    return undefined;
  }

  object(value: unknown, path: string): Record<string, unknown> | undefined {
    this.recorder?.field(path, { type: 'object' });
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.fail(path, `must be an object, got ${describe(value)}`);
  }

  unknownKeys(obj: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    this.recorder?.keys(path, allowed);
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(join(path, key), `unknown field; allowed fields: ${allowed.join(', ')}`);
    }
  }

  string(value: unknown, path: string, pattern?: RegExp, hint?: string): string | undefined {
    this.recorder?.field(path, { type: 'string', minLength: 1, ...(pattern ? { pattern: pattern.source } : {}), ...(hint ? { description: `Must be ${hint.replace(/^must be /, '')}` } : {}) });
    if (typeof value !== 'string' || value.length === 0) return this.fail(path, `must be a non-empty string, got ${describe(value)}`);
    if (pattern && !pattern.test(value)) return this.fail(path, `${JSON.stringify(value)} ${hint ?? `must match ${pattern}`}`);
    return value;
  }

  number(value: unknown, path: string, opts: { min: number; max: number; integer?: boolean }, fallback: number): number {
    this.recorder?.field(path, { type: opts.integer ? 'integer' : 'number', minimum: opts.min, maximum: opts.max, ...(value === undefined ? { default: fallback } : {}) });
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.fail(path, `must be a number, got ${describe(value)}`) ?? fallback;
    if (opts.integer && !Number.isInteger(value)) return this.fail(path, `must be a whole number, got ${value}`) ?? fallback;
    if (value < opts.min || value > opts.max) return this.fail(path, `must be between ${opts.min} and ${opts.max}, got ${value}`) ?? fallback;
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[], fallback?: T): T | undefined {
    this.recorder?.field(path, { type: 'string', enum: [...options], ...(value === undefined && fallback !== undefined ? { default: fallback } : {}) });
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    return this.fail(path, `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${describe(value)}`);
  }

  location(value: unknown, path: string): string | undefined {
    const s = this.string(value, path);
    this.recorder?.field(path, { description: 'A path (relative to the spec file, or absolute on the worker) or an s3://bucket/key URI' });
    if (s === undefined) return undefined;
    if (s.startsWith('s3://')) {
      if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,62}\/.+/.test(s)) return this.fail(path, `${JSON.stringify(s)} is not a valid s3://bucket/key URI`);
      return s;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return this.fail(path, `${JSON.stringify(s)}: only local paths and s3:// URIs are supported`);
    if (!s.startsWith('/')) return this.fail(path, `${JSON.stringify(s)} must be an absolute path (the CLI resolves relative paths against the spec file)`);
    return s;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function checkData(c: Checker, raw: unknown): DataSpec | undefined {
  const obj = c.object(raw, 'data');
  if (!obj) return undefined;
  const source = c.oneOf(obj.source, 'data.source', ['mnist', 'idx', 'csv', 'folder'] as const);
  const classes = () => c.number(obj.numClasses, 'data.numClasses', { min: 2, max: 256, integer: true }, 10);
  switch (source) {
    case 'mnist':
      c.unknownKeys(obj, 'data', ['source']);
      return { source };
    case 'idx': {
      c.unknownKeys(obj, 'data', ['source', 'trainImages', 'trainLabels', 'testImages', 'testLabels', 'numClasses']);
      const files = {
        trainImages: c.location(obj.trainImages, 'data.trainImages'),
        trainLabels: c.location(obj.trainLabels, 'data.trainLabels'),
        testImages: c.location(obj.testImages, 'data.testImages'),
        testLabels: c.location(obj.testLabels, 'data.testLabels'),
      };
      const numClasses = classes();
      if (!files.trainImages || !files.trainLabels || !files.testImages || !files.testLabels) return undefined;
      return { source, trainImages: files.trainImages, trainLabels: files.trainLabels, testImages: files.testImages, testLabels: files.testLabels, numClasses };
    }
    case 'csv': {
      c.unknownKeys(obj, 'data', ['source', 'train', 'test', 'imageShape', 'numClasses']);
      const train = c.location(obj.train, 'data.train');
      const test = c.location(obj.test, 'data.test');
      const shape = obj.imageShape;
      let imageShape: [number, number, number] | undefined;
      if (Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d >= 1 && d <= 4096)) {
        imageShape = [shape[0], shape[1], shape[2]] as [number, number, number];
      } else {
        c.fail('data.imageShape', `must be [height, width, channels] of whole numbers, got ${describe(shape)}`);
      }
      const numClasses = classes();
      if (!train || !test || !imageShape) return undefined;
      return { source, train, test, imageShape, numClasses };
    }
    case 'folder':
      return checkFolderData(c, obj);
    default:
      return undefined;
  }
}

function checkVariants(c: Checker, raw: unknown, pruning: boolean): ModelVariant[] {
  if (raw === undefined) return pruning ? [...MODEL_VARIANTS] : [...DEFAULT_VARIANTS];
  if (!Array.isArray(raw) || raw.length === 0) return c.fail('variants', `must be a non-empty list of ${MODEL_VARIANTS.join(', ')}`) ?? [];
  const variants = raw.map((v, i) => c.oneOf(v, `variants[${i}]`, MODEL_VARIANTS)).filter((v): v is ModelVariant => v !== undefined);
  if (new Set(variants).size !== variants.length) c.fail('variants', 'lists a variant twice');
  const pruned = variants.filter(isPrunedVariant);
  if (!pruning && pruned.length > 0) {
    c.fail('variants', `lists ${pruned.join(', ')} but the spec has no pruning section: add "pruning": { "targetSparsity": 0.75 } or drop the pruned variants`);
  }
  if (pruning && pruned.length === 0) {
    c.fail('pruning', `is set but variants lists no pruned variant, so the pruned model would be thrown away: add e.g. "pruned-float32" or "pruned-dynamic-int8" to variants, or remove pruning`);
  }
  return variants;
}

function checkPruning(c: Checker, raw: unknown, trainingLearningRate: number): PruningSpec | undefined {
  if (raw === undefined) return undefined;
  const p = c.object(raw, 'pruning');
  if (!p) return undefined;
  c.unknownKeys(p, 'pruning', ['targetSparsity', 'epochs', 'learningRate', 'frequency', 'blockSize']);
  if (p.targetSparsity === undefined) c.fail('pruning.targetSparsity', 'is required: the fraction of weights to zero, e.g. 0.75');
  return {
    targetSparsity: c.number(p.targetSparsity, 'pruning.targetSparsity', { min: 0.01, max: 0.99 }, 0.5),
    epochs: c.number(p.epochs, 'pruning.epochs', { min: 1, max: 1000, integer: true }, DEFAULT_PRUNING.epochs),
    learningRate: c.number(p.learningRate, 'pruning.learningRate', { min: 1e-7, max: 10 }, trainingLearningRate),
    frequency: c.number(p.frequency, 'pruning.frequency', { min: 1, max: 1e6, integer: true }, DEFAULT_PRUNING.frequency),
    blockSize: c.number(p.blockSize, 'pruning.blockSize', { min: 1, max: 16, integer: true }, DEFAULT_PRUNING.blockSize),
  };
}

function checkGate(c: Checker, raw: unknown): GateBudgets {
  const g = raw === undefined ? {} : c.object(raw, 'gate') ?? {};
  c.unknownKeys(g, 'gate', ['minAccuracy', 'maxAccuracyDropPoints', 'maxBytes', 'maxP90Ms', 'sizeBy']);
  const sizeBy = g.sizeBy === undefined ? undefined : c.oneOf(g.sizeBy, 'gate.sizeBy', ['bytes', 'gzip'] as const);
  const optional = (key: string, opts: { min: number; max: number; integer?: boolean }) =>
    g[key] === undefined ? {} : { [key]: c.number(g[key], `gate.${key}`, opts, 0) };
  return {
    maxAccuracyDropPoints: c.number(g.maxAccuracyDropPoints, 'gate.maxAccuracyDropPoints', { min: 0, max: 100 }, DEFAULT_GATE.maxAccuracyDropPoints),
    ...optional('minAccuracy', { min: 0, max: 1 }),
    ...optional('maxBytes', { min: 1, max: 2 ** 40, integer: true }),
    ...optional('maxP90Ms', { min: 0, max: 1e6 }),
    ...(sizeBy ? { sizeBy } : {}),
  };
}

/** Validates a parsed spec and fills in defaults. Throws SpecValidationError listing every problem. */
export function validateSpec(raw: unknown, source = 'spec', recorder?: SpecSchemaRecorder): ReleaseSpec {
  const c = new Checker(recorder);
  const obj = c.object(raw, '(root)');
  if (!obj) throw new SpecValidationError(c.problems, source);
  c.unknownKeys(obj, '', ['model', 'version', 'description', 'architecture', 'data', 'training', 'benchmark', 'variants', 'quantization', 'pruning', 'gate', 'promote']);

  const model = c.string(obj.model, 'model', MODEL_NAME_PATTERN, MODEL_NAME_RULE);
  const version = obj.version === undefined ? undefined : c.string(obj.version, 'version', VERSION_PATTERN, VERSION_RULE);
  const description = obj.description === undefined ? undefined : c.string(obj.description, 'description');
  const architecture = checkArchitecture(obj.architecture, (path, message) => c.fail(path, message), (value, path) => c.location(value, path), c.recorder);
  const data = checkData(c, obj.data);
  const knownShape = data?.source === 'mnist' ? ([28, 28, 1] as const) : data?.source === 'csv' ? data.imageShape : undefined;
  const imageProblem = architecture && knownShape ? architectureImageProblem(architecture, knownShape) : undefined;
  if (imageProblem) c.fail('architecture', imageProblem);

  const t = obj.training === undefined ? {} : c.object(obj.training, 'training') ?? {};
  c.unknownKeys(t, 'training', Object.keys(DEFAULT_TRAINING));
  const training: TrainingSpec = {
    epochs: c.number(t.epochs, 'training.epochs', { min: 1, max: 1000, integer: true }, DEFAULT_TRAINING.epochs),
    batchSize: c.number(t.batchSize, 'training.batchSize', { min: 1, max: 65536, integer: true }, DEFAULT_TRAINING.batchSize),
    learningRate: c.number(t.learningRate, 'training.learningRate', { min: 1e-7, max: 10 }, DEFAULT_TRAINING.learningRate),
    seed: c.number(t.seed, 'training.seed', { min: 0, max: 2 ** 31 - 1, integer: true }, DEFAULT_TRAINING.seed),
    backend: c.oneOf(t.backend, 'training.backend', ['auto', 'tensorflow', 'wasm', 'cpu'] as const, 'auto') ?? 'auto',
  };

  const b = obj.benchmark === undefined ? {} : c.object(obj.benchmark, 'benchmark') ?? {};
  c.unknownKeys(b, 'benchmark', Object.keys(DEFAULT_BENCHMARK));
  const benchmark: BenchmarkSpec = {
    runs: c.number(b.runs, 'benchmark.runs', { min: 200, max: 100000, integer: true }, DEFAULT_BENCHMARK.runs),
    warmupRuns: c.number(b.warmupRuns, 'benchmark.warmupRuns', { min: 0, max: 10000, integer: true }, DEFAULT_BENCHMARK.warmupRuns),
    threads: c.number(b.threads, 'benchmark.threads', { min: 1, max: 64, integer: true }, DEFAULT_BENCHMARK.threads),
    maxAccuracyGapPoints: c.number(b.maxAccuracyGapPoints, 'benchmark.maxAccuracyGapPoints', { min: 0, max: 100 }, DEFAULT_BENCHMARK.maxAccuracyGapPoints),
  };

  const pruning = checkPruning(c, obj.pruning, training.learningRate);
  const variants = checkVariants(c, obj.variants, obj.pruning !== undefined);
  const q = obj.quantization === undefined ? {} : c.object(obj.quantization, 'quantization') ?? {};
  c.unknownKeys(q, 'quantization', Object.keys(DEFAULT_QUANTIZATION));
  if (q.int8Io !== undefined && typeof q.int8Io !== 'boolean') c.fail('quantization.int8Io', `must be true or false, got ${describe(q.int8Io)}`);
  const quantization: QuantizationSpec = {
    calibrationSamples: c.number(q.calibrationSamples, 'quantization.calibrationSamples', { min: 1, max: 100000, integer: true }, DEFAULT_QUANTIZATION.calibrationSamples),
    int8Io: q.int8Io === true,
  };
  const gate = checkGate(c, obj.gate);
  const promoteFailures = obj.promote === undefined ? [] : promoteProblems(obj.promote, channelNameProblem);
  for (const [path, message] of promoteFailures) c.fail(path, message);
  const promote = obj.promote === undefined ? undefined : promoteSpecOf(obj.promote as Parameters<typeof promoteSpecOf>[0]);

  if (c.problems.length > 0 || !model || !architecture || !data) throw new SpecValidationError(c.problems, source);
  return {
    model,
    ...(version ? { version } : {}),
    ...(description ? { description } : {}),
    architecture,
    data,
    training,
    benchmark,
    variants,
    quantization,
    ...(pruning ? { pruning } : {}),
    gate,
    ...(promote ? { promote } : {}),
  };
}

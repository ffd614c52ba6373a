/** The file variants a release can ship, and the gate that picks one. Pure: used by the workflow. */

/** How a file stores its weights and activations: what the TFLite library builds. */
export const QUANTIZATION_VARIANTS = ['float32', 'float16', 'dynamic-int8', 'int8'] as const;
export type QuantizationVariant = (typeof QUANTIZATION_VARIANTS)[number];

/** The same encodings built from the pruned (fine-tuned, sparse) model. */
export type PrunedVariant = `pruned-${QuantizationVariant}`;
export type ModelVariant = QuantizationVariant | PrunedVariant;

export const PRUNED_VARIANTS: readonly PrunedVariant[] = QUANTIZATION_VARIANTS.map((q): PrunedVariant => `pruned-${q}`);
export const MODEL_VARIANTS: readonly ModelVariant[] = [...QUANTIZATION_VARIANTS, ...PRUNED_VARIANTS];

export function isPrunedVariant(variant: ModelVariant): variant is PrunedVariant {
  return variant.startsWith('pruned-');
}

/** 'pruned-int8' -> 'int8'; 'float16' -> 'float16'. */
export function quantizationOf(variant: ModelVariant): QuantizationVariant {
  return (isPrunedVariant(variant) ? variant.slice('pruned-'.length) : variant) as QuantizationVariant;
}

/** Which size the gate budgets and ranks: the raw file, or its gzip size (what an app download costs). */
export type SizeMeasure = 'bytes' | 'gzip';

/** Budgets a variant must meet to be released; any left out is not checked. */
export interface GateBudgets {
  /** Lowest acceptable accuracy on the test set, 0-1. */
  minAccuracy?: number;
  /** Largest acceptable drop from the float model's accuracy, in percentage points. */
  maxAccuracyDropPoints: number;
  /** Budget for the size measured by `sizeBy`. */
  maxBytes?: number;
  maxP90Ms?: number;
  /** Rank and budget by raw bytes (default) or gzip bytes. */
  sizeBy?: SizeMeasure;
}

export interface VariantFigures {
  variant: ModelVariant;
  bytes: number;
  gzipBytes: number;
  accuracy: number;
  p50Ms: number;
  p90Ms: number;
  /** Pruned variants: how many FULLY_CONNECTED weight tensors use TFLite's sparse encoding. */
  sparseWeights?: number;
}

export type VariantOutcome = ({ ok: true } & VariantFigures) | { ok: false; variant: ModelVariant; error: string };

export interface VariantVerdict {
  variant: ModelVariant;
  passed: boolean;
  /** Plain-words reasons it failed (empty when it passed). */
  reasons: string[];
  /** Facts worth knowing that do not fail the gate, e.g. a sparse encoding that is not faster. */
  notes: string[];
  figures?: VariantFigures;
}

export interface VariantSelection {
  chosen?: ModelVariant;
  verdicts: VariantVerdict[];
  /** Why the chosen one won, or why none did. */
  explanation: string;
}

const points = (x: number) => (x * 100).toFixed(2);

/** The size the gate budgets and ranks by. */
export function gatedSize(figures: Pick<VariantFigures, 'bytes' | 'gzipBytes'>, sizeBy: SizeMeasure = 'bytes'): number {
  return sizeBy === 'gzip' ? figures.gzipBytes : figures.bytes;
}

function judge(figures: VariantFigures, budgets: GateBudgets, floatAccuracy: number): string[] {
  const reasons: string[] = [];
  const v = figures.variant;
  const drop = (floatAccuracy - figures.accuracy) * 100;
  if (budgets.minAccuracy !== undefined && figures.accuracy < budgets.minAccuracy) {
    reasons.push(`${v}: accuracy ${figures.accuracy.toFixed(4)} is below the minimum ${budgets.minAccuracy}`);
  }
  if (drop > budgets.maxAccuracyDropPoints) {
    reasons.push(`${v}: accuracy ${figures.accuracy.toFixed(4)} is ${drop.toFixed(2)} points below float (${points(floatAccuracy)}%), budget ${budgets.maxAccuracyDropPoints}`);
  }
  const size = gatedSize(figures, budgets.sizeBy);
  if (budgets.maxBytes !== undefined && size > budgets.maxBytes) {
    const measure = budgets.sizeBy === 'gzip' ? 'gzip bytes are' : 'bytes is';
    reasons.push(`${v}: ${size} ${measure} over the size budget of ${budgets.maxBytes}`);
  }
  if (budgets.maxP90Ms !== undefined && figures.p90Ms > budgets.maxP90Ms) {
    reasons.push(`${v}: p90 latency ${figures.p90Ms.toFixed(3)} ms is over the budget of ${budgets.maxP90Ms} ms`);
  }
  return reasons;
}

/**
 * A pruned file with sparse FULLY_CONNECTED weights is smaller, but TFLite's sparse
 * kernel is not always faster than the dense one: say so, against the same encoding unpruned.
 */
function sparseNotes(figures: VariantFigures, all: VariantFigures[]): string[] {
  if (!isPrunedVariant(figures.variant) || !figures.sparseWeights) return [];
  const dense = all.find((f) => f.variant === quantizationOf(figures.variant));
  if (!dense) return [];
  const ratio = figures.p50Ms / dense.p50Ms;
  const layers = `${figures.sparseWeights} sparse FULLY_CONNECTED weight tensor${figures.sparseWeights === 1 ? '' : 's'}`;
  return ratio > 1
    ? [`${figures.variant}: ${layers} make the file smaller but not faster: p50 ${figures.p50Ms.toFixed(3)} ms vs ${dense.p50Ms.toFixed(3)} ms dense ${dense.variant} (${ratio.toFixed(2)}x)`]
    : [`${figures.variant}: ${layers}: p50 ${figures.p50Ms.toFixed(3)} ms vs ${dense.p50Ms.toFixed(3)} ms dense ${dense.variant} (${ratio.toFixed(2)}x)`];
}

/**
 * Judges `outcomes` (the spec's variants) and picks the smallest that meets every budget;
 * ties go to the smaller gzip size, then to the faster p50. `reference` holds figures of variants built but not candidates
 * (float32 is always built), used only for notes.
 */
export function selectVariant(outcomes: VariantOutcome[], budgets: GateBudgets, floatAccuracy: number, reference: VariantFigures[] = []): VariantSelection {
  const measured = [...outcomes.flatMap((o) => (o.ok ? [figuresOf(o)] : [])), ...reference];
  const verdicts: VariantVerdict[] = outcomes.map((o) => {
    if (!o.ok) return { variant: o.variant, passed: false, reasons: [`${o.variant}: could not be built or measured: ${o.error}`], notes: [] };
    const figures = figuresOf(o);
    const reasons = judge(figures, budgets, floatAccuracy);
    return { variant: o.variant, passed: reasons.length === 0, reasons, notes: sparseNotes(figures, measured), figures };
  });
  const size = (f: VariantFigures) => gatedSize(f, budgets.sizeBy);
  const passing = verdicts
    .filter((v): v is VariantVerdict & { figures: VariantFigures } => v.passed && v.figures !== undefined)
    // Equal raw sizes (a pruned file keeps its zeros) go to the one that compresses better, then the faster.
    .sort((a, b) => size(a.figures) - size(b.figures) || a.figures.gzipBytes - b.figures.gzipBytes || a.figures.p50Ms - b.figures.p50Ms);
  const best = passing[0];
  if (!best) return { verdicts, explanation: `no variant meets the budgets:\n${verdicts.flatMap((v) => v.reasons).join('\n')}` };
  const others = passing.slice(1).map((v) => v.variant);
  const unit = budgets.sizeBy === 'gzip' ? 'gzip bytes' : 'bytes';
  return {
    chosen: best.variant,
    verdicts,
    explanation: `${best.variant} is the smallest variant that meets every budget (${size(best.figures)} ${unit})` + (others.length ? `; also passing: ${others.join(', ')}` : ''),
  };
}

/** An outcome's figures without its `ok` tag. */
export function figuresOf(o: Extract<VariantOutcome, { ok: true }>): VariantFigures {
  const { ok: _ok, ...figures } = o;
  return figures;
}

/**
 * releaseModel: prepare data -> train -> evaluate -> convert and benchmark every variant -> select -> publish.
 * Deterministic orchestration only; every step is an activity, and only small
 * references and metrics pass through history.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  FailureType,
  SEARCH_ATTRIBUTES,
  isPrunedVariant,
  quantizationOf,
  STEP_ORDER,
  SpecValidationError,
  figuresOf,
  selectVariant,
  validateSpec,
  type ArtifactRef,
  type ConvertedModelRef,
  type ModelVariant,
  type PreparedDataRef,
  type PrunedModelRef,
  type ReleaseProgress,
  type ReleaseResult,
  type ReleaseSpec,
  type StepName,
  type VariantFigures,
  type VariantOutcome,
  type VariantResult,
} from '../contracts';
import {
  abandonClaimOptions,
  benchmarkOptions,
  convertOptions,
  evaluateOptions,
  prepareDataOptions,
  pruneOptions,
  publishOptions,
  trainOptions,
} from './activity-options';
import { progressQuery } from './queries';

const { prepareData } = proxyActivities<Activities>(prepareDataOptions);
const { train } = proxyActivities<Activities>(trainOptions);
const { evaluate } = proxyActivities<Activities>(evaluateOptions);
const { prune } = proxyActivities<Activities>(pruneOptions);
const { convert } = proxyActivities<Activities>(convertOptions);
const { benchmark } = proxyActivities<Activities>(benchmarkOptions);
const { publish } = proxyActivities<Activities>(publishOptions);
const { abandonReleaseClaim } = proxyActivities<Activities>(abandonClaimOptions);

type ConversionResult = { ok: true; converted: ConvertedModelRef } | Extract<VariantResult, { ok: false }>;
/** The pruned model, or why pruning failed (which fails only the pruned variants). */
type PruneOutcome = { ok: true; pruned: PrunedModelRef } | { ok: false; error: string } | undefined;

export async function releaseModel(input: ReleaseSpec): Promise<ReleaseResult> {
  const spec = checkedSpec(input);
  const progress: ReleaseProgress = {
    model: spec.model,
    steps: Object.fromEntries(STEP_ORDER.map((s) => [s, { status: 'pending' }])) as ReleaseProgress['steps'],
  };
  setHandler(progressQuery, () => progress);
  upsertSearchAttributes({ [SEARCH_ATTRIBUTES.model]: [spec.model] });

  /** Runs one step, keeping its timing and status for the query, the UI and the manifest. */
  async function step<T>(name: StepName, run: () => Promise<T>, summarize: (r: T) => string): Promise<T> {
    const startedAt = Date.now();
    progress.current = name;
    progress.steps[name] = { status: 'running', startedAt };
    upsertSearchAttributes({ [SEARCH_ATTRIBUTES.step]: [name] });
    try {
      const result = await run();
      progress.steps[name] = { status: 'done', startedAt, durationMs: Date.now() - startedAt, summary: summarize(result) };
      return result;
    } catch (err) {
      progress.steps[name] = { status: 'failed', startedAt, durationMs: Date.now() - startedAt };
      throw err;
    }
  }

  /** Fine-tunes and prunes when the spec has pruned variants; a failure fails only those variants. */
  async function pruneStep(spec: ReleaseSpec, data: PreparedDataRef, model: ArtifactRef): Promise<PruneOutcome> {
    if (!spec.variants.some(isPrunedVariant)) {
      progress.steps.prune = { status: 'skipped', summary: 'no pruned variant asked for' };
      return undefined;
    }
    try {
      const pruned = await step('prune', () => prune({ spec, data, model }), (p) =>
        `sparsity ${(p.sparsity * 100).toFixed(1)}% after ${p.epochs} epochs, tfjs accuracy ${p.accuracy.toFixed(4)}`,
      );
      return { ok: true, pruned };
    } catch (err) {
      if (isCancellation(err)) throw err; // a cancelled run stops here, it does not carry on without pruning
      return { ok: false, error: failureMessage(err) };
    }
  }

  const release = spec.version ? { release: { model: spec.model, version: spec.version } } : {};
  const data = await step('prepareData', () => prepareData({ data: spec.data, ...release }), (d) =>
    `${d.trainCount} train / ${d.testCount} test images, sha256 ${d.fingerprint.slice(0, 12)}`,
  );
  const trained = await step('train', () => train({ spec, data }), (t) =>
    `${t.epochs} epochs on ${t.backend.name}, accuracy ${t.finalAccuracy.toFixed(4)}`,
  );
  const evaluation = await step('evaluate', () => evaluate({ model: trained.model, data }), (e) =>
    `test accuracy ${e.accuracy.toFixed(4)}, loss ${e.loss.toFixed(4)}`,
  );
  const pruning = await pruneStep(spec, data, trained.model);
  // float32 is always built: it is the reference whose parity with tfjs proves the conversion.
  const built: ModelVariant[] = ['float32', ...spec.variants.filter((v) => v !== 'float32')];
  const conversions = await step('convert', () => convertVariants(built, spec, trained.model, pruning, data), (list) =>
    list.map((c) => (c.ok ? `${c.converted.variant} ${c.converted.tflite.bytes} B` : `${c.variant} failed`)).join(', '),
  );
  const prunedAccuracy = pruning?.ok ? pruning.pruned.accuracy : Number.NaN;
  const results = await step('benchmark', () => benchmarkVariants(conversions, spec, data, evaluation.accuracy, prunedAccuracy), (list) =>
    list.map((r) => (r.ok ? `${r.benchmark.variant} ${(r.benchmark.tflite.accuracy * 100).toFixed(2)}% p50 ${r.benchmark.latency.p50Ms.toFixed(3)} ms` : `${r.variant} failed`)).join(', '),
  );
  const selection = await step('select', async () => {
    const outcomes = results.map(outcomeOf);
    const candidates = outcomes.filter((o) => spec.variants.includes(o.variant));
    const reference = outcomes.flatMap((o): VariantFigures[] => (o.ok && !spec.variants.includes(o.variant) ? [figuresOf(o)] : []));
    return selectVariant(candidates, spec.gate, evaluation.accuracy, reference);
  }, (s) => (s.chosen ? `${s.chosen}: ${s.explanation}` : 'no variant passed'));
  const chosen = results.find((r): r is Extract<VariantResult, { ok: true }> => r.ok && r.converted.variant === selection.chosen);
  if (!chosen) {
    progress.steps.select.status = 'failed';
    throw ApplicationFailure.nonRetryable(`nothing was published: ${selection.explanation}`, FailureType.gateFailed, selection);
  }

  const stepTimingsMs = Object.fromEntries(
    STEP_ORDER.filter((s) => progress.steps[s].durationMs !== undefined).map((s) => [s, progress.steps[s].durationMs ?? 0]),
  );
  const { workflowId, runId } = workflowInfo();
  const published = await step(
    'publish',
    () => publishOrAbandon({ spec, data, trained, evaluation, ...(pruning?.ok ? { pruned: pruning.pruned } : {}), variants: results, selection, stepTimingsMs, workflowId, runId }),
    (p) => `${p.model} ${p.version} (${chosen.converted.variant}) at ${p.uri}`,
  );
  upsertSearchAttributes({ [SEARCH_ATTRIBUTES.version]: [published.version] });
  progress.current = undefined;

  return {
    ...published,
    evaluation,
    benchmark: chosen.benchmark,
    chosenVariant: chosen.converted.variant,
    selection,
    ...(pruning?.ok ? { pruning: pruning.pruned } : {}),
    stepTimingsMs,
  };
}

/** Publishes; when publish fails for good, marks the version it claimed abandoned so no number is a bare claim. */
async function publishOrAbandon(input: Parameters<Activities['publish']>[0]): Promise<Awaited<ReturnType<Activities['publish']>>> {
  try {
    return await publish(input);
  } catch (err) {
    if (patched('abandon-release-claim')) {
      const { spec, workflowId, runId } = input;
      const mark = { model: spec.model, ...(spec.version ? { version: spec.version } : {}), workflowId, runId, reason: failureMessage(err) };
      // Runs even when the run was cancelled; a failure to mark must not hide the publish failure.
      await CancellationScope.nonCancellable(() => abandonReleaseClaim(mark)).catch(() => undefined);
    }
    throw err;
  }
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** Converts every variant in parallel; one failing variant fails only its branch (float32 fails the release). */
/** What every file's TFLite metadata names (see activities/convert.ts). */
function releaseInfo(spec: ReleaseSpec): { model: string; version?: string; description?: string } {
  return { model: spec.model, ...(spec.version ? { version: spec.version } : {}), ...(spec.description ? { description: spec.description } : {}) };
}

async function convertVariants(variants: ModelVariant[], spec: ReleaseSpec, trained: ArtifactRef, pruning: PruneOutcome, data: PreparedDataRef) {
  const settled = await Promise.allSettled(
    variants.map(async (variant) => {
      if (!isPrunedVariant(variant)) return convert({ model: trained, variant, data, quantization: spec.quantization, seed: spec.training.seed, release: releaseInfo(spec) });
      if (!pruning?.ok) throw new PruneFailed(pruning?.error ?? 'pruning did not run');
      return convert({ model: pruning.pruned.model, variant, data, quantization: spec.quantization, seed: spec.training.seed, release: releaseInfo(spec) });
    }),
  );
  return settled.map((r, i): ConversionResult => {
    const variant = variants[i]!;
    if (r.status === 'fulfilled') return { ok: true, converted: r.value };
    if (variant === 'float32') throw r.reason;
    if (r.reason instanceof PruneFailed) return { ok: false, variant, step: 'prune', error: r.reason.message };
    return { ok: false, variant, step: 'convert', error: failureMessage(r.reason) };
  });
}

class PruneFailed extends Error {}

/**
 * Benchmarks one file at a time so latencies are not measured against each other's load.
 * Each file's accuracy is compared with its own tfjs model: the trained one, or the pruned one.
 */
async function benchmarkVariants(conversions: ConversionResult[], spec: ReleaseSpec, data: PreparedDataRef, trainedAccuracy: number, prunedAccuracy: number) {
  const results: VariantResult[] = [];
  for (const c of conversions) {
    if (!c.ok) {
      results.push(c);
      continue;
    }
    const variant = c.converted.variant;
    try {
      const report = await benchmark({
        variant,
        tflite: c.converted.tflite,
        data,
        tfjsAccuracy: isPrunedVariant(variant) ? prunedAccuracy : trainedAccuracy,
        settings: spec.benchmark,
        checkParity: quantizationOf(variant) === 'float32',
      });
      results.push({ ok: true, converted: c.converted, benchmark: report });
    } catch (err) {
      if (variant === 'float32') throw err;
      results.push({ ok: false, variant, step: 'benchmark', error: failureMessage(err) });
    }
  }
  return results;
}

/** What the gate judges of one branch: its figures, or its failure. */
function outcomeOf(r: VariantResult): VariantOutcome {
  if (!r.ok) return { ok: false, variant: r.variant, error: `${r.step} failed: ${r.error}` };
  const sparseWeights = r.converted.sparse?.encoded.length;
  return {
    ok: true,
    variant: r.converted.variant,
    bytes: r.benchmark.fileBytes,
    gzipBytes: r.benchmark.gzipBytes,
    accuracy: r.benchmark.tflite.accuracy,
    p50Ms: r.benchmark.latency.p50Ms,
    p90Ms: r.benchmark.latency.p90Ms,
    ...(sparseWeights ? { sparseWeights } : {}),
  };
}


/** The CLI validates too, but a workflow can be started by anyone: reject a bad spec without retrying. */
function checkedSpec(input: ReleaseSpec): ReleaseSpec {
  try {
    return validateSpec(input, 'workflow input');
  } catch (err) {
    if (err instanceof SpecValidationError) throw ApplicationFailure.nonRetryable(err.message, FailureType.invalidSpec);
    throw err;
  }
}

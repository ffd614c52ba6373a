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
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities';
import {
  FailureType,
  SEARCH_ATTRIBUTES,
  SHORT_FINGERPRINT,
  OUTCOMES,
  architectureLabel,
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
  type ReleaseOptions,
  type ReleaseProgress,
  type ReleaseResult,
  type ReleaseSpec,
  type StepName,
  type TrainingProgressUpdate,
  type UnchangedResult,
  type VariantFigures,
  type VariantOutcome,
  type VariantResult,
  type VariantSelection,
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
import { moveLatest } from './channels';
import { currentDetails } from './current-details';
import { releasedOutcome, withOutcome } from './outcome';
import { benchmarkChannelHead, headSummary, promoteAfterRelease, regressionVerdict } from './regression';
import { checkRecipe, recordRecipeOf, unchangedResult } from './recipe';
import { progressQuery, trainingProgressSignal } from './queries';

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

export async function releaseModel(input: ReleaseSpec, options: ReleaseOptions = {}): Promise<ReleaseResult | UnchangedResult> {
  return withOutcome(() => releaseSteps(input, options));
}

async function releaseSteps(input: ReleaseSpec, options: ReleaseOptions): Promise<ReleaseResult | UnchangedResult> {
  const spec = checkedSpec(input);
  const progress: ReleaseProgress = {
    model: spec.model,
    steps: Object.fromEntries(STEP_ORDER.map((s) => [s, { status: 'pending' }])) as ReleaseProgress['steps'],
  };
  /** What the Temporal UI shows besides the step table: live training, the gate, the ending. */
  const shown: { live?: TrainingProgressUpdate; selection?: VariantSelection; outcome?: string } = {};
  const showDetails = () => setCurrentDetails(currentDetails({ progress, now: Date.now(), ...shown }));
  setHandler(progressQuery, () => progress);
  setHandler(trainingProgressSignal, (update) => {
    shown.live = update;
    showDetails();
  });
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.model, value: spec.model }]);
  showDetails();
  /** Attributes learnt along the way ride on the next step's upsert: no extra commands, so old histories replay. */
  let pendingAttributes: SearchAttributeUpdatePair[] = [];

  /** Runs one step, keeping its timing and status for the query, the UI and the manifest. */
  async function step<T>(name: StepName, run: () => Promise<T>, summarize: (r: T) => string): Promise<T> {
    const startedAt = Date.now();
    progress.current = name;
    progress.steps[name] = { status: 'running', startedAt };
    shown.live = undefined;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.step, value: name }, ...pendingAttributes]);
    pendingAttributes = [];
    showDetails();
    try {
      const result = await run();
      progress.steps[name] = { status: 'done', startedAt, durationMs: Date.now() - startedAt, summary: summarize(result) };
      return result;
    } catch (err) {
      progress.steps[name] = { status: 'failed', startedAt, durationMs: Date.now() - startedAt, summary: failureMessage(err) };
      throw err;
    } finally {
      shown.live = undefined;
      showDetails();
    }
  }

  /** Fine-tunes and prunes when the spec has pruned variants; a failure fails only those variants. */
  async function pruneStep(spec: ReleaseSpec, data: PreparedDataRef, model: ArtifactRef): Promise<PruneOutcome> {
    if (!spec.variants.some(isPrunedVariant)) {
      progress.steps.prune = { status: 'skipped', summary: 'no pruned variant asked for' };
      return undefined;
    }
    try {
      const pruned = await step('prune', () => prune.executeWithOptions({ summary: `prune to ${spec.pruning?.targetSparsity ?? 0} sparsity` }, [{ spec, data, model }]), (p) =>
        `sparsity ${(p.sparsity * 100).toFixed(1)}% after ${p.epochs} epochs, tfjs accuracy ${p.accuracy.toFixed(4)}`,
      );
      return { ok: true, pruned };
    } catch (err) {
      if (isCancellation(err)) throw err; // a cancelled run stops here, it does not carry on without pruning
      return { ok: false, error: failureMessage(err) };
    }
  }

  const release = spec.version ? { release: { model: spec.model, version: spec.version } } : {};
  const data = await step('prepareData', () => prepareData.executeWithOptions({ summary: `prepare ${spec.data.source} data` }, [{ data: spec.data, ...release }]), (d) =>
    `${d.trainCount} train / ${d.testCount} test images, sha256 ${d.fingerprint.slice(0, 12)}`,
  );
  pendingAttributes.push({ key: SEARCH_ATTRIBUTES.dataset, value: data.fingerprint.slice(0, SHORT_FINGERPRINT) });
  const recipe = await checkRecipe(spec, data, options.force === true);
  if (recipe?.unchanged) {
    for (const s of STEP_ORDER) if (progress.steps[s].status === 'pending') progress.steps[s] = { status: 'skipped', summary: `unchanged: ${recipe.unchanged.reason}` };
    progress.current = undefined;
    shown.outcome = `unchanged: ${recipe.unchanged.reason}`;
    showDetails();
    return unchangedResult(spec, { ...recipe, unchanged: recipe.unchanged });
  }
  const reused = recipe?.reuse;
  if (reused) for (const s of ['train', 'evaluate'] as const) progress.steps[s] = { status: 'skipped', summary: `reused from ${reused.version}` };
  const trained = reused?.trained ?? (await step('train', () => train.executeWithOptions({ summary: `train ${architectureLabel(spec.architecture)}, ${spec.training.epochs} epochs` }, [{ spec, data }]), (t) =>
    `${t.epochs} epochs on ${t.backend.name}, accuracy ${t.finalAccuracy.toFixed(4)}`,
  ));
  const evaluation = reused?.evaluation ?? (await step('evaluate', () => evaluate.executeWithOptions({ summary: 'evaluate on the test set' }, [{ model: trained.model, data, backend: spec.training.backend }]), (e) =>
    `test accuracy ${e.accuracy.toFixed(4)}, loss ${e.loss.toFixed(4)}`,
  ));
  const pruning = await pruneStep(spec, data, trained.model);
  // float32 is always built: it is the reference whose parity with tfjs proves the conversion.
  const built: ModelVariant[] = ['float32', ...spec.variants.filter((v) => v !== 'float32')];
  const conversions = await step('convert', () => convertVariants(built, spec, trained.model, pruning, data), (list) =>
    list.map((c) => (c.ok ? `${c.converted.variant} ${c.converted.tflite.bytes} B` : `${c.variant} failed`)).join(', '),
  );
  const prunedAccuracy = pruning?.ok ? pruning.pruned.accuracy : Number.NaN;
  // The channel spec.promote names is measured in the same step, on the same test set and machine.
  const [results, head] = await step('benchmark', async () => [await benchmarkVariants(conversions, spec, data, evaluation.accuracy, prunedAccuracy), await benchmarkChannelHead(spec, data)] as const, ([list, head]) =>
    list.map((r) => (r.ok ? `${r.benchmark.variant} ${(r.benchmark.tflite.accuracy * 100).toFixed(2)}% p50 ${r.benchmark.latency.p50Ms.toFixed(3)} ms` : `${r.variant} failed`)).join(', ') + headSummary(head, spec.promote?.to),
  );
  const selection = await step('select', async () => {
    const outcomes = results.map(outcomeOf);
    const candidates = outcomes.filter((o) => spec.variants.includes(o.variant));
    const reference = outcomes.flatMap((o): VariantFigures[] => (o.ok && !spec.variants.includes(o.variant) ? [figuresOf(o)] : []));
    return selectVariant(candidates, spec.gate, evaluation.accuracy, reference);
  }, (s) => (s.chosen ? `${s.chosen}: ${s.explanation}` : 'no variant passed'));
  shown.selection = selection;
  const chosen = results.find((r): r is Extract<VariantResult, { ok: true }> => r.ok && r.converted.variant === selection.chosen);
  if (!chosen) {
    progress.steps.select.status = 'failed';
    shown.outcome = `nothing was published: ${selection.explanation}`;
    showDetails();
    throw ApplicationFailure.nonRetryable(`nothing was published: ${selection.explanation}`, FailureType.gateFailed, selection);
  }

  const regression = regressionVerdict(spec, 'this release', chosen.benchmark, head);
  const stepTimingsMs = Object.fromEntries(
    STEP_ORDER.filter((s) => progress.steps[s].durationMs !== undefined).map((s) => [s, progress.steps[s].durationMs ?? 0]),
  );
  const { workflowId, runId } = workflowInfo();
  const published = await step(
    'publish',
    () => publishOrAbandon(
      { spec, data, trained, evaluation, ...(pruning?.ok ? { pruned: pruning.pruned } : {}), variants: results, selection, stepTimingsMs, ...(recipe ? { recipe: recipe.recipe } : {}), ...(regression ? { regression } : {}), workflowId, runId },
      `publish ${spec.model} (${chosen.converted.variant})`,
    ),
    (p) => `${p.model} ${p.version} (${chosen.converted.variant}) at ${p.uri}`,
  );
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.version, value: published.version },
    { key: SEARCH_ATTRIBUTES.variant, value: chosen.converted.variant },
  ]);
  const recorded = recipe ? await recordRecipeOf(spec.model, published.version, recipe.recipe, trained, evaluation) : undefined;
  const channels = patched('liteship-channels')
    ? [await moveLatest(spec.model, published.version), ...(await promoteAfterRelease(spec, published.version, regressionVerdict(spec, published.version, chosen.benchmark, head)))]
    : undefined;
  const notes = [...(recipe?.notes ?? []), ...(recorded ? [recorded] : [])];
  progress.current = undefined;
  const outcome = releasedOutcome(channels);
  shown.outcome =
    `Released ${published.model} ${published.version} (${chosen.converted.variant}) at ${published.uri}; report: ${published.uri}report.html` +
    (outcome.label === OUTCOMES.released ? '' : `. ${outcome.text}`);
  showDetails();

  return {
    ...published,
    evaluation,
    benchmark: chosen.benchmark,
    chosenVariant: chosen.converted.variant,
    selection,
    ...(pruning?.ok ? { pruning: pruning.pruned } : {}),
    stepTimingsMs,
    ...(channels ? { channels } : {}),
    outcome,
    ...(recipe ? { recipe: recipe.recipe } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

/** Publishes; when publish fails for good, marks the version it claimed abandoned so no number is a bare claim. */
async function publishOrAbandon(input: Parameters<Activities['publish']>[0], summary: string): Promise<Awaited<ReturnType<Activities['publish']>>> {
  try {
    return await publish.executeWithOptions({ summary }, [input]);
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
      const summary = { summary: `convert ${variant}` };
      if (!isPrunedVariant(variant)) return convert.executeWithOptions(summary, [{ model: trained, variant, data, quantization: spec.quantization, seed: spec.training.seed, release: releaseInfo(spec) }]);
      if (!pruning?.ok) throw new PruneFailed(pruning?.error ?? 'pruning did not run');
      return convert.executeWithOptions(summary, [{ model: pruning.pruned.model, variant, data, quantization: spec.quantization, seed: spec.training.seed, release: releaseInfo(spec) }]);
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
      const report = await benchmark.executeWithOptions({ summary: `benchmark ${variant}` }, [{
        variant,
        tflite: c.converted.tflite,
        data,
        tfjsAccuracy: isPrunedVariant(variant) ? prunedAccuracy : trainedAccuracy,
        settings: spec.benchmark,
        checkParity: quantizationOf(variant) === 'float32',
      }]);
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

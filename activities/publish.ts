/**
 * publish: an immutable release at <bucket>/<model>/<version>/.
 *
 * The version is claimed exactly once per run (release-claim.ts): a retried attempt finishes the
 * version its run claimed. Files are written with conditional writes (never overwritten), and the
 * manifest goes last: readers list only versions that have a manifest, so none sees a half-written
 * release. Every step heartbeats, so a dead worker is noticed within the short heartbeat timeout.
 */
import { log } from '@temporalio/activity';
import {
  MANIFEST_SCHEMA,
  RELEASE_FILES,
  storageKeys,
  type EvaluationMetrics,
  type PreparedDataRef,
  type PrunedModelRef,
  type PublishedRelease,
  type RecipeRecord,
  type RegressionVerdict,
  type ReleaseManifest,
  type ReleaseMetricsFile,
  type ReleaseSpec,
  type ReleaseVariantEntry,
  type TrainedModelRef,
  type VariantResult,
  type VariantSelection,
} from '../contracts';
import { ObjectAlreadyExistsError, type ObjectStore } from '../infra/object-store';
import { sha256Hex, type ArtifactIO } from './artifact-io';
import { datasetLabelsAndSkips } from './dataset-notes';
import type { DatasetCache } from './dataset-cache';
import type { ActivityDeps } from './deps';
import { faultPoint } from './fault-point';
import { keepAlive, type StageReporter } from './keep-alive';
import { ReleaseVersionExistsError, claimVersion } from './release-claim';
import { metricsForReport, writeReleaseReport } from './release-report';

export { ReleaseVersionExistsError } from './release-claim';

export interface PublishInput {
  spec: ReleaseSpec;
  data: PreparedDataRef;
  trained: TrainedModelRef;
  evaluation: EvaluationMetrics;
  /** Present when the spec asked for pruned variants and pruning succeeded. */
  pruned?: PrunedModelRef;
  variants: VariantResult[];
  selection: VariantSelection;
  stepTimingsMs: Record<string, number>;
  /** The recipe key (see activities/recipe.ts), recorded in the manifest. */
  recipe?: RecipeRecord;
  /** The regression gate's verdict against spec.promote's channel. */
  regression?: RegressionVerdict;
  workflowId: string;
  runId: string;
}

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/** Writes a release file once; on a retry, the same bytes already there count as written. */
async function writeOnce(store: ObjectStore, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
  try {
    await store.put(key, bytes, { ifNoneMatch: '*', contentType });
  } catch (err) {
    if (!(err instanceof ObjectAlreadyExistsError)) throw err;
    const existing = await store.get(key);
    if (sha256Hex(existing) !== sha256Hex(bytes)) {
      throw new ReleaseVersionExistsError(`${key} already exists with different content; releases are never overwritten`);
    }
  }
}

const variantFile = (variant: string) => `${variant}.tflite`;

/** The manifest's table: every variant built, its figures, and the gate's verdict in plain words. */
function variantEntries(variants: VariantResult[], selection: VariantSelection, floatAccuracy: number): ReleaseVariantEntry[] {
  return variants.map((r) => {
    const variant = r.ok ? r.converted.variant : r.variant;
    const verdict = selection.verdicts.find((v) => v.variant === variant);
    const base = {
      variant,
      candidate: verdict !== undefined,
      passed: verdict?.passed ?? false,
      chosen: variant === selection.chosen,
      reasons: verdict?.reasons ?? [],
      notes: verdict?.notes ?? [],
    };
    if (!r.ok) return { ...base, reasons: base.reasons.length ? base.reasons : [`${r.step} failed: ${r.error}`] };
    const b = r.benchmark;
    return {
      ...base,
      file: variantFile(variant),
      bytes: b.fileBytes,
      gzipBytes: b.gzipBytes,
      accuracy: b.tflite.accuracy,
      accuracyDropPoints: (floatAccuracy - b.tflite.accuracy) * 100,
      latencyP50Ms: b.latency.p50Ms,
      latencyP90Ms: b.latency.p90Ms,
      latencyP99Ms: b.latency.p99Ms,
      ...(r.converted.io ? { io: r.converted.io } : {}),
      ...(r.converted.sparse ? { sparse: r.converted.sparse } : {}),
    };
  });
}

function pruningEntry(p: PrunedModelRef): NonNullable<ReleaseManifest['pruning']> {
  const { targetSparsity, sparsity, epochs, steps, resumedFromEpoch, accuracy, layers } = p;
  return { targetSparsity, sparsity, epochs, steps, resumedFromEpoch, tfjsAccuracy: accuracy, layers };
}

export function createPublish(deps: Pick<ActivityDeps, 'store' | 'build' | 'runtimeVersions' | 'workflowUrl'>, artifacts: ArtifactIO, datasets: DatasetCache) {
  return (input: PublishInput): Promise<PublishedRelease> => keepAlive((stage) => publishRelease(input, stage));

  async function publishRelease(input: PublishInput, stage: StageReporter): Promise<PublishedRelease> {
    const { spec, data, trained, evaluation, variants, selection, workflowId, runId } = input;
    const built = variants.filter((r): r is Extract<VariantResult, { ok: true }> => r.ok);
    const chosen = built.find((r) => r.converted.variant === selection.chosen);
    if (!chosen) throw new Error(`publish was asked to release variant ${String(selection.chosen)}, which was not built`);
    const store = deps.store;
    stage('claiming a version');
    const version = await claimVersion(store, spec.model, spec.version, { workflowId, runId });
    const fileKey = (file: string) => storageKeys.releaseFile(spec.model, version, file);
    const beat = (what: string) => stage(what, { version });
    beat('claimed');
    await faultPoint('publish:after-claim');

    const metrics: ReleaseMetricsFile = {
      evaluation,
      benchmarks: built.map((r) => r.benchmark),
      failures: variants.flatMap((r) => (r.ok ? [] : [{ variant: r.variant, step: r.step, error: r.error }])),
    };
    const files: Record<string, { bytes: Uint8Array; type: string }> = {};
    for (const r of built) {
      const bytes = await artifacts.get(r.converted.tflite);
      files[variantFile(r.converted.variant)] = { bytes, type: 'application/octet-stream' };
      if (r === chosen) files[RELEASE_FILES.model] = { bytes, type: 'application/octet-stream' };
    }
    const fileOf = (variant: string) => files[variantFile(variant)]!.bytes;
    Object.assign(metrics, await metricsForReport(trained, built.map((r) => ({ variant: r.converted.variant, bytes: fileOf(r.converted.variant) })), chosen.benchmark, (await datasets.get(data.dataset)).test));
    files[RELEASE_FILES.metrics] = { bytes: json(metrics), type: 'application/json' };
    for (const [name, file] of Object.entries(files)) {
      beat(`writing ${name}`);
      await writeOnce(store, fileKey(name), file.bytes, file.type);
    }
    const b = chosen.benchmark;

    const manifest: ReleaseManifest = {
      schema: MANIFEST_SCHEMA,
      model: spec.model,
      version,
      createdAt: new Date().toISOString(),
      files: Object.fromEntries(Object.entries(files).map(([name, f]) => [name, { sha256: sha256Hex(f.bytes), bytes: f.bytes.byteLength }])),
      spec,
      dataset: {
        fingerprint: data.fingerprint,
        source: data.source,
        trainCount: data.trainCount,
        testCount: data.testCount,
        imageShape: data.imageShape,
        numClasses: data.numClasses,
        ...(await datasetLabelsAndSkips(artifacts, data)),
      },
      pipeline: deps.build,
      runtimes: { ...deps.runtimeVersions(), trainingBackend: trained.backend.name },
      chosenVariant: chosen.converted.variant,
      selection: selection.explanation,
      variants: variantEntries(variants, selection, evaluation.accuracy),
      training: {
        epochs: trained.epochs,
        finalLoss: trained.finalLoss,
        finalAccuracy: trained.finalAccuracy,
        resumedFromEpoch: trained.resumedFromEpoch,
        parameterCount: trained.parameterCount,
        backend: trained.backend,
      },
      ...(input.pruned ? { pruning: pruningEntry(input.pruned) } : {}),
      summary: {
        tfjsAccuracy: evaluation.accuracy,
        tfliteAccuracy: b.tflite.accuracy,
        accuracyGapPoints: b.accuracyGapPoints,
        tfliteBytes: b.fileBytes,
        latencyP50Ms: b.latency.p50Ms,
        latencyP90Ms: b.latency.p90Ms,
        latencyP99Ms: b.latency.p99Ms,
      },
      stepTimingsMs: input.stepTimingsMs,
      ...(input.recipe ? { recipe: input.recipe } : {}),
      ...(input.regression ? { regression: input.regression } : {}),
      workflow: { workflowId, runId },
    };
    const manifestKey = fileKey(RELEASE_FILES.manifest);
    beat('writing report.html and manifest.json');
    // An earlier attempt of this run may have written it already (then died before returning): keep that one.
    if (!(await store.head(manifestKey))) {
      manifest.files[RELEASE_FILES.report] = await writeReleaseReport(store, manifest, metrics, deps.workflowUrl?.(workflowId));
      await store.put(manifestKey, json(manifest), { ifNoneMatch: '*', contentType: 'application/json' });
    }
    await faultPoint('publish:after-manifest');
    log.info('published release', { model: spec.model, version });

    return {
      model: spec.model,
      version,
      uri: store.uriFor(fileKey('')),
      manifestUri: store.uriFor(manifestKey),
      files: Object.fromEntries(
        Object.entries(manifest.files).map(([name, f]) => [name, { ...f, uri: store.uriFor(fileKey(name)) }]),
      ),
    };
  }
}

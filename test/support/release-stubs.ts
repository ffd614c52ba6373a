// Stub activities for workflow tests: every activity of releaseModel, answering from a per-run
// scenario (looked up by workflow id), recording what the workflow asked for. No tfjs, no TFLite,
// no S3: the workflow's branches run in seconds on the real Temporal dev server.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import {
  FailureType,
  isPrunedVariant,
  quantizationOf,
  type ArtifactRef,
  type BenchmarkReport,
  type ModelVariant,
  type PublishedRelease,
} from '../../contracts';
import { ObjectAlreadyExistsError } from '../../infra/object-store';
import { MemoryObjectStore } from '../../infra/memory-object-store';

export interface ReleaseScenario {
  /** prune fails for good (non-retryable): only the pruned variants should fail. */
  pruneFails?: boolean;
  /** prune heartbeats until it is cancelled (the test cancels the run). */
  pruneWaitsForCancel?: boolean;
  /** These variants' conversion fails for good. */
  convertFails?: ModelVariant[];
  /** Accuracy in the interpreter per variant (default 0.97; evaluation reports 0.97). */
  accuracy?: Partial<Record<ModelVariant, number>>;
  /** The first publish attempt claims its version, then dies before the release is written. */
  publishDiesAfterClaim?: boolean;
}

export interface StubCall {
  activity: keyof Activities;
  attempt: number;
  input: unknown;
  outcome?: 'cancelled';
}

type In<K extends keyof Activities> = Parameters<Activities[K]>[0];

const FLOAT_ACCURACY = 0.97;
const sizeOf: Record<string, number> = { float32: 400_000, float16: 200_000, 'dynamic-int8': 110_000, int8: 105_000 };

function ref(key: string, bytes: number): ArtifactRef {
  return { uri: `s3://stub/${key}`, sha256: key.padEnd(64, '0').slice(0, 64).replace(/[^0-9a-f]/g, 'a'), bytes };
}

export class ReleaseStubs {
  private readonly scenarios = new Map<string, ReleaseScenario>();
  private readonly calls = new Map<string, StubCall[]>();
  /** Where the stub publish claims versions, the way the real one does: with a conditional write. */
  readonly store = new MemoryObjectStore('stub-releases');

  /** Registers the scenario for a workflow id; returns the calls the stubs will record for it. */
  scenario(workflowId: string, scenario: ReleaseScenario): StubCall[] {
    this.scenarios.set(workflowId, scenario);
    const calls: StubCall[] = [];
    this.calls.set(workflowId, calls);
    return calls;
  }

  private enter<K extends keyof Activities>(activity: K, input: In<K>): { scenario: ReleaseScenario; call: StubCall } {
    const { workflowExecution, attempt } = Context.current().info;
    const workflowId = workflowExecution?.workflowId ?? '';
    const scenario = this.scenarios.get(workflowId);
    if (!scenario) throw ApplicationFailure.nonRetryable(`no stub scenario for workflow ${workflowId}`, 'StubMissing');
    const call: StubCall = { activity, attempt, input };
    this.calls.get(workflowId)?.push(call);
    return { scenario, call };
  }

  readonly activities: Activities = {
    prepareData: async (input) => {
      this.enter('prepareData', input);
      return { dataset: ref('dataset', 1_000), fingerprint: 'f'.repeat(64), source: 'stub', trainCount: 60_000, testCount: 10_000, imageShape: [28, 28, 1], numClasses: 10 };
    },
    train: async (input) => {
      this.enter('train', input);
      const backend = { name: 'stub', tfjsVersion: '0.0.0' };
      return { model: ref('model', 5_000), epochs: input.spec.training.epochs, finalLoss: 0.1, finalAccuracy: 0.98, resumedFromEpoch: 0, backend, parameterCount: 101_770 };
    },
    evaluate: async (input) => {
      this.enter('evaluate', input);
      return { count: 10_000, accuracy: FLOAT_ACCURACY, loss: 0.1, perClassAccuracy: Array(10).fill(FLOAT_ACCURACY), confusionMatrix: [] };
    },
    prune: async (input) => {
      const { scenario, call } = this.enter('prune', input);
      if (scenario.pruneFails) throw ApplicationFailure.nonRetryable('training diverged while pruning (stub)', FailureType.trainingDiverged);
      if (scenario.pruneWaitsForCancel) {
        const ctx = Context.current();
        try {
          for (;;) {
            ctx.heartbeat();
            await ctx.sleep(100);
          }
        } catch (err) {
          call.outcome = 'cancelled';
          throw err;
        }
      }
      const target = input.spec.pruning?.targetSparsity ?? 0.5;
      return { model: ref('pruned', 5_000), targetSparsity: target, sparsity: target, layers: [], epochs: 1, steps: 100, resumedFromEpoch: 0, accuracy: 0.965, backend: { name: 'stub', tfjsVersion: '0.0.0' } };
    },
    convert: async (input) => {
      const { scenario } = this.enter('convert', input);
      if (scenario.convertFails?.includes(input.variant)) {
        throw ApplicationFailure.nonRetryable(`cannot convert ${input.variant} (stub)`, FailureType.unsupportedModel);
      }
      // Pruned files are smaller, so a passing pruned variant is the one the gate picks.
      const bytes = Math.round((sizeOf[quantizationOf(input.variant)] ?? 100_000) * (isPrunedVariant(input.variant) ? 0.6 : 1));
      return { tflite: ref(`tflite-${input.variant}`, bytes), variant: input.variant, converter: 'stub' };
    },
    benchmark: async (input) => {
      const { scenario } = this.enter('benchmark', input);
      const accuracy = scenario.accuracy?.[input.variant] ?? FLOAT_ACCURACY;
      const latency = { p50Ms: 0.1, p90Ms: 0.12, p99Ms: 0.2, meanMs: 0.11, runs: 10 };
      const report: BenchmarkReport = {
        variant: input.variant,
        runtime: { name: 'stub', version: '0', tfliteVersion: '0', threads: 1 },
        fileBytes: input.tflite.bytes,
        gzipBytes: Math.round(input.tflite.bytes * 0.9),
        loadMs: 1,
        firstInferenceMs: 1,
        latency,
        tflite: { count: 10_000, accuracy, perClassAccuracy: Array(10).fill(accuracy), confusionMatrix: [] },
        tfjsAccuracy: input.tfjsAccuracy,
        accuracyGapPoints: Math.abs(input.tfjsAccuracy - accuracy) * 100,
      };
      return report;
    },
    publish: async (input) => {
      const { scenario } = this.enter('publish', input);
      const model = input.spec.model;
      // The protocol a retried publish relies on: the claim names the run, so the retry finds and finishes it.
      const claims = await this.store.list(`${model}/`);
      const mine = await firstClaimOf(this.store, claims.keys, input.runId);
      let version = mine;
      for (let n = 1; !version; n++) {
        try {
          await this.store.put(`${model}/v${n}/.claim.json`, new TextEncoder().encode(input.runId), { ifNoneMatch: '*' });
          version = `v${n}`;
        } catch (err) {
          if (!(err instanceof ObjectAlreadyExistsError)) throw err;
        }
      }
      if (scenario.publishDiesAfterClaim && Context.current().info.attempt === 1) {
        throw ApplicationFailure.retryable(`worker died after claiming ${model} ${version} (stub)`, 'StubWorkerDied');
      }
      const uri = `s3://stub-releases/${model}/${version}/`;
      const release: PublishedRelease = { model, version, uri, manifestUri: `${uri}manifest.json`, files: {} };
      return release;
    },
    // Recipe keys and channels (issue 10): nothing matches, nothing is recorded here, latest "moves".
    lookupRecipe: async ({ spec }) => ({ recipe: { key: 'k'.repeat(64), trainKey: 't'.repeat(64), parts: { spec: spec.model, data: 'f'.repeat(64), code: 'stub', toolchain: 'stub' }, toolchain: {} }, notes: [] }),
    recordRecipe: async () => undefined,
    planRecipe: async () => {
      throw ApplicationFailure.nonRetryable('planRecipe is not stubbed', 'StubMissing');
    },
    moveChannel: async ({ channel, version }) => ({ moved: true, channel, version }),
    channelHead: async () => undefined,
    abandonReleaseClaim: async (input) => {
      this.enter('abandonReleaseClaim', input);
      return undefined;
    },
  };

  /** The stubs of the activities a worker of this role registers. */
  pick(names: readonly (keyof Activities)[]): Partial<Activities> {
    return Object.fromEntries(names.map((n) => [n, this.activities[n]]));
  }
}

async function firstClaimOf(store: MemoryObjectStore, keys: string[], runId: string): Promise<string | undefined> {
  for (const key of keys.filter((k) => k.endsWith('/.claim.json'))) {
    if (new TextDecoder().decode(await store.get(key)) === runId) return key.split('/')[1];
  }
  return undefined;
}

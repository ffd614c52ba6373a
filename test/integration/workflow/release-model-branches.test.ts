// Every branch of releaseModel against stub activities on the real Temporal dev server: seconds, not
// minutes. Each run's history is also replayed against the same bundle (determinism), and with
// LITESHIP_RECORD_HISTORIES set the histories of the released shapes are written to the replay corpus
// (test/fixtures/workflow-histories, replayed by test/unit/workflows/replay-corpus.test.ts):
// `1` writes <shape>.json, any other value <shape>@<value>.json, next to the old ones.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { FailureType, PIPELINE_TASK_QUEUE, validateSpec, type ReleaseSpec } from '../../../contracts';
import type { releaseModel } from '../../../workflows';
import { progressQuery } from '../../../workflows/queries';
import { historyToJson } from '../../support/history-json';
import { ReleaseStubs, type ReleaseScenario, type StubCall } from '../../support/release-stubs';
import { openWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-test-env';

const CORPUS_DIR = path.join(__dirname, '..', '..', 'fixtures', 'workflow-histories');
const stubs = new ReleaseStubs();
let env: WorkflowTestEnv;

beforeAll(async () => {
  env = await openWorkflowTestEnv(stubs);
});
afterAll(async () => {
  await env?.stop();
});

const unique = (name: string) => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

function specFor(model: string, extra: Record<string, unknown> = {}): ReleaseSpec {
  return validateSpec({ model, architecture: 'mlp', data: { source: 'mnist' }, training: { epochs: 1, seed: 1 }, ...extra });
}
const PRUNED = { variants: ['float32', 'dynamic-int8', 'pruned-dynamic-int8'], pruning: { targetSparsity: 0.75 } };

async function start(name: string, spec: ReleaseSpec, scenario: ReleaseScenario): Promise<{ handle: WorkflowHandle<typeof releaseModel>; calls: StubCall[] }> {
  const workflowId = unique(`wf-${name}`);
  const calls = stubs.scenario(workflowId, scenario);
  const handle = await env.client.workflow.start<typeof releaseModel>('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId, args: [spec] });
  return { handle, calls };
}

/** Replays the finished run against the bundle under test; `corpusName` also records it for the corpus. */
async function replayAndMaybeRecord(handle: WorkflowHandle, corpusName?: string): Promise<void> {
  const history = await handle.fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: env.bundle }, history, handle.workflowId);
  const tag = process.env.LITESHIP_RECORD_HISTORIES;
  if (corpusName && tag) {
    writeFileSync(path.join(CORPUS_DIR, `${corpusName}${tag === '1' ? '' : `@${tag}`}.json`), `${JSON.stringify(historyToJson(history), null, 1)}\n`);
  }
}

const called = (calls: StubCall[], activity: StubCall['activity']) => calls.filter((c) => c.activity === activity);
const convertedVariants = (calls: StubCall[]) => called(calls, 'convert').map((c) => (c.input as { variant: string }).variant).sort();

async function failureOf(handle: WorkflowHandle): Promise<WorkflowFailedError> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err as WorkflowFailedError;
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('without pruning: every step runs once, prune is skipped, the smallest passing variant ships', async () => {
  const { handle, calls } = await start('plain', specFor(unique('plain'), { variants: ['float32', 'float16', 'dynamic-int8'] }), {});
  const result = await handle.result();

  expect(result).toMatchObject({ version: 'v1', chosenVariant: 'dynamic-int8' });
  expect(result.pruning).toBeUndefined();
  expect(calls.map((c) => c.activity)).toEqual(['prepareData', 'train', 'evaluate', 'convert', 'convert', 'convert', 'benchmark', 'benchmark', 'benchmark', 'publish']);
  expect((await handle.query(progressQuery)).steps.prune).toMatchObject({ status: 'skipped' });
  await replayAndMaybeRecord(handle, 'release-without-pruning');
});

test('with pruning: the pruned model is converted for the pruned variants and a pruned variant ships', async () => {
  const { handle, calls } = await start('pruned', specFor(unique('pruned'), PRUNED), {});
  const result = await handle.result();

  expect(result).toMatchObject({ version: 'v1', chosenVariant: 'pruned-dynamic-int8', pruning: { sparsity: 0.75 } });
  const prunedConvert = called(calls, 'convert').find((c) => (c.input as { variant: string }).variant === 'pruned-dynamic-int8');
  expect(prunedConvert?.input).toMatchObject({ model: { uri: 's3://stub/pruned' } });
  const benchmarkOfPruned = called(calls, 'benchmark').find((c) => (c.input as { variant: string }).variant === 'pruned-dynamic-int8');
  expect(benchmarkOfPruned?.input).toMatchObject({ tfjsAccuracy: 0.965 }); // compared with the pruned tfjs model, not the trained one
  await replayAndMaybeRecord(handle, 'release-with-pruning');
});

test('prune fails: only the pruned variants fail, the others are built and one ships', async () => {
  const { handle, calls } = await start('prune-fails', specFor(unique('prune-fails'), PRUNED), { pruneFails: true });
  const result = await handle.result();

  expect(result.chosenVariant).toBe('dynamic-int8');
  expect(result.pruning).toBeUndefined();
  expect(convertedVariants(calls)).toEqual(['dynamic-int8', 'float32']);
  expect(called(calls, 'prune')).toHaveLength(1); // non-retryable: not tried again
  const verdict = result.selection.verdicts.find((v) => v.variant === 'pruned-dynamic-int8');
  expect(verdict).toMatchObject({ passed: false });
  expect(verdict?.reasons.join(' ')).toContain('training diverged while pruning (stub)');
  const published = called(calls, 'publish')[0]?.input as { variants: unknown[]; pruned?: unknown };
  expect(published.pruned).toBeUndefined();
  expect(published.variants).toContainEqual({ ok: false, variant: 'pruned-dynamic-int8', step: 'prune', error: 'training diverged while pruning (stub)' });
  await replayAndMaybeRecord(handle, 'release-prune-failed');
});

test('float32 fails to convert: the release fails with that cause and nothing is benchmarked or published', async () => {
  const { handle, calls } = await start('float32-fails', specFor(unique('float32-fails'), { variants: ['float32', 'float16'] }), { convertFails: ['float32'] });
  const err = await failureOf(handle);

  expect(err.cause).toBeInstanceOf(ActivityFailure);
  expect(err.cause?.cause).toBeInstanceOf(ApplicationFailure);
  expect(err.cause?.cause).toMatchObject({ type: FailureType.unsupportedModel, message: 'cannot convert float32 (stub)' });
  expect(called(calls, 'benchmark')).toHaveLength(0);
  expect(called(calls, 'publish')).toHaveLength(0);
  await replayAndMaybeRecord(handle, 'release-failed');
});

test('cancelled during prune: the run ends cancelled, prune sees the cancellation, nothing after it runs', async () => {
  const { handle, calls } = await start('cancel', specFor(unique('cancel'), PRUNED), { pruneWaitsForCancel: true });
  await until('prune to start', () => called(calls, 'prune').length > 0);
  await handle.cancel();
  const err = await failureOf(handle);

  expect(err.cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  await until('prune to see the cancellation', () => called(calls, 'prune')[0]?.outcome === 'cancelled');
  expect(called(calls, 'convert')).toHaveLength(0);
  expect(called(calls, 'publish')).toHaveLength(0);
  await replayAndMaybeRecord(handle, 'release-cancelled-during-prune');
});

test('the gate rejects every variant: the run fails NoVariantPassedGate with the verdicts, nothing is published', async () => {
  const accuracy = { float32: 0.9, float16: 0.9 } as const;
  const { handle, calls } = await start('gate', specFor(unique('gate'), { variants: ['float32', 'float16'] }), { accuracy });
  const err = await failureOf(handle);

  expect(err.cause).toBeInstanceOf(ApplicationFailure);
  expect(err.cause).toMatchObject({ type: FailureType.gateFailed, nonRetryable: true });
  expect(err.cause?.message).toMatch(/^nothing was published: /);
  expect(called(calls, 'benchmark')).toHaveLength(2);
  expect(called(calls, 'publish')).toHaveLength(0);
  expect((await handle.query(progressQuery)).steps.select).toMatchObject({ status: 'failed' });
  await replayAndMaybeRecord(handle, 'release-gate-rejected');
});

test('publish dies after its claim: the retry gets the same input (workflow and run id) and finishes the claimed version', async () => {
  const model = unique('retry');
  const { handle, calls } = await start('publish-retry', specFor(model, { variants: ['float32'] }), { publishDiesAfterClaim: true });
  const result = await handle.result();

  const publishes = called(calls, 'publish');
  expect(publishes.map((c) => c.attempt)).toEqual([1, 2]);
  expect(publishes[1]?.input).toEqual(publishes[0]?.input);
  expect(publishes[0]?.input).toMatchObject({ workflowId: handle.workflowId, runId: (await handle.describe()).runId });
  expect(result.version).toBe('v1');
  expect((await stubs.store.list(`${model}/`)).keys).toEqual([`${model}/v1/.claim.json`]);
  await replayAndMaybeRecord(handle, 'release-publish-retried');
});

// Pipeline-code versioning: the committed histories of every released shape of releaseModel must
// replay against the current workflow code. A change that alters the commands a workflow issues
// (another activity, a different order, a new timer) fails here unless it is behind patched().
// How to add a history: test/fixtures/workflow-histories/README.md.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type ReplayResult, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { historyFromJson } from '../../support/history-json';

const CORPUS_DIR = path.join(__dirname, '..', '..', 'fixtures', 'workflow-histories');
/** One per released shape; a history may be added, none of these may go missing. */
const REQUIRED_SHAPES = [
  'release-without-pruning',
  'release-with-pruning',
  'release-prune-failed',
  'release-failed',
  'release-cancelled-during-prune',
  'release-gate-rejected',
  'release-publish-retried',
];

interface StoredHistory {
  events: Array<Record<string, unknown> & { eventType?: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }>;
}

const corpus = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ workflowId: path.basename(file, '.json'), history: JSON.parse(readFileSync(path.join(CORPUS_DIR, file), 'utf8')) as StoredHistory }));

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') }); // replay workers' state changes are INFO noise
  const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../../workflows'), logger: silent });
}, 120_000);

async function replay(histories: { workflowId: string; history: StoredHistory }[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const parsed = histories.map(({ workflowId, history }) => ({ workflowId, history: historyFromJson(history) }));
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, parsed)) results.push(result);
  return results;
}

test('the corpus holds a history for every released shape of releaseModel', () => {
  expect(corpus.map((c) => c.workflowId)).toEqual(expect.arrayContaining(REQUIRED_SHAPES));
});

test('every history in the corpus replays against the current workflow code', async () => {
  const results = await replay(corpus);
  expect(results.map((r) => ({ history: r.workflowId, error: r.error?.message }))).toEqual(corpus.map((c) => ({ history: c.workflowId, error: undefined })));
}, 120_000);

test('a history whose commands differ from the code is caught (the check can fail)', async () => {
  const original = corpus.find((c) => c.workflowId === 'release-without-pruning');
  if (!original) throw new Error('release-without-pruning is missing from the corpus');
  const altered = structuredClone(original.history);
  const scheduled = altered.events.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes;
  if (!scheduled?.activityType) throw new Error('release-without-pruning schedules no activity');
  scheduled.activityType.name = 'someOtherActivity';
  const [result] = await replay([{ workflowId: 'altered', history: altered }]);
  expect(result?.error?.name).toBe('DeterminismViolationError');
  expect(result?.error?.message).toMatch(/someOtherActivity|prepareData/);
}, 120_000);

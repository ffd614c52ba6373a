/**
 * Fault matrix, pipeline worker: one release survives SIGKILLs of the pipeline worker (which also
 * runs the workflow) during convert, during benchmark, right after publish claimed its version and
 * right after publish wrote the manifest. Each time a fresh worker takes the retry (found through the
 * missing heartbeat). Exactly one release comes out, whole, with no hole in the numbers, and the
 * manifest written before the last kill is the one that stays.
 */
import { PIPELINE_TASK_QUEUE, type ReleaseResult } from '../../../contracts';
import { useTestServices } from '../../support/services';
import { uniqueModelName } from '../../support/specs';
import { FaultWorkers, auditModel, tinySpec } from './harness';

const { config, store, client } = useTestServices();
const workers = new FaultWorkers(config, client);
afterAll(() => workers.stopAll());

const POINTS = ['convert:start', 'benchmark:start', 'publish:after-claim', 'publish:after-manifest'];

it('SIGKILL of the pipeline worker in convert, benchmark, and publish after the claim and after the manifest: exactly one whole release', async () => {
  const model = uniqueModelName('faults-pipeline');
  // Two pipeline workers: when the one paused at a point is killed, the other takes the retry at once.
  await Promise.all([workers.start('training'), workers.start('pipeline', POINTS), workers.start('pipeline', POINTS)]);
  const handle = await client().workflow.start('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId: `${workers.prefix}${model}`, args: [tinySpec(model)] });

  let manifestBeforeKill: { etag: string } | undefined;
  const replacements: Promise<unknown>[] = [];
  for (const point of POINTS) {
    const pid = await workers.reached(point);
    if (point === 'publish:after-claim') expect((await auditModel(store, model)).unreleased).toEqual(['v1']);
    if (point === 'publish:after-manifest') manifestBeforeKill = await store.head(`${model}/v1/manifest.json`);
    await workers.kill(pid);
    replacements.push(workers.start('pipeline', POINTS)); // armed again, but each point pauses only once
  }
  await Promise.all(replacements);

  const result = (await handle.result()) as ReleaseResult;
  expect(result.version).toBe('v1');
  const { released, unreleased } = await auditModel(store, model);
  expect(released.map((m) => m.version)).toEqual(['v1']);
  expect(unreleased).toEqual([]);
  expect(manifestBeforeKill).toBeDefined();
  expect((await store.head(`${model}/v1/manifest.json`))?.etag).toBe(manifestBeforeKill!.etag);
  expect(released[0]!.workflow).toEqual({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });

  // Each killed activity was retried (attempt 2), and nothing else was.
  const history = await handle.fetchHistory();
  const attemptsOf = (name: string) =>
    (history.events ?? []).flatMap((e) => {
      const started = e.activityTaskStartedEventAttributes;
      if (!started) return [];
      const scheduled = history.events?.find((s) => String(s.eventId) === String(started.scheduledEventId));
      return scheduled?.activityTaskScheduledEventAttributes?.activityType?.name === name ? [started.attempt ?? 0] : [];
    });
  expect(attemptsOf('convert')).toEqual([2]);
  expect(attemptsOf('benchmark')).toEqual([2]);
  expect(attemptsOf('publish')).toEqual([3]);
});

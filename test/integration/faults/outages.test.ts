/**
 * Fault matrix, servers: MinIO stopped for 30 s while training writes a checkpoint and for 2 minutes
 * right after publish claimed its version; the Temporal dev server stopped and restarted (same SQLite
 * file) mid-training, after the first checkpoint. Every run ends with one whole release and no hole: the steps retry through the
 * outage (the retry policy waits minutes, not seconds) and the workers reconnect.
 */
import { PIPELINE_TASK_QUEUE, type ReleaseResult } from '../../../contracts';
import { ensureLocalStack, readLocalCredentials } from '../../../infra/local-stack';
import { stopServer } from '../../../infra/local-stack/managed-server';
import { minioServer } from '../../../infra/local-stack/minio-server';
import { temporalServer } from '../../../infra/local-stack/temporal-server';
import { useTestServices } from '../../support/services';
import { uniqueModelName } from '../../support/specs';
import { FaultWorkers, auditModel, sleep, tinySpec } from './harness';

const { config, store, client } = useTestServices();
const workers = new FaultWorkers(config, client);
afterAll(async () => {
  await workers.stopAll();
  await ensureLocalStack(config); // whatever happened, leave the stack up for the next test file
});

const noLog = () => undefined;
const minio = () => minioServer(config, () => readLocalCredentials(config.stateDir)!, noLog);

async function outage(server: 'minio' | 'temporal', ms: number): Promise<void> {
  const managed = server === 'minio' ? minio() : temporalServer(config, noLog);
  expect(await stopServer(config.stateDir, managed)).toBe('stopped');
  await sleep(ms);
  await ensureLocalStack(config);
}

async function attemptsOf(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }, name: string): Promise<number[]> {
  const events = ((await handle.fetchHistory()).events ?? []) as Array<{
    eventId?: unknown;
    activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  }>;
  return events.flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    if (!started) return [];
    const scheduled = events.find((s) => String(s.eventId) === String(started.scheduledEventId));
    return scheduled?.activityTaskScheduledEventAttributes?.activityType?.name === name ? [started.attempt ?? 0] : [];
  });
}

// One run meets all three faults in turn, so the suite pays for one training run and one worker start.
it('MinIO down 30 s during a checkpoint write, Temporal restarted mid-train (same SQLite), MinIO down 2 minutes right after the publish claim: one whole release', async () => {
  const model = uniqueModelName('faults-outages');
  const points = ['train:before-checkpoint', 'train:after-checkpoint', 'publish:after-claim'];
  await Promise.all([workers.start('pipeline', points), workers.start('training', points)]);
  const handle = await client().workflow.start('releaseModel', {
    taskQueue: PIPELINE_TASK_QUEUE,
    workflowId: `${workers.prefix}${model}`,
    args: [tinySpec(model, { training: { epochs: 2, batchSize: 64, seed: 5 } })],
  });

  await workers.reached('train:before-checkpoint');
  const minioDown = outage('minio', 30_000);
  await sleep(1000);
  workers.resume('train:before-checkpoint'); // the checkpoint write now meets a dead MinIO
  await minioDown;

  await workers.reached('train:after-checkpoint'); // the retried attempt wrote it once MinIO was back
  await outage('temporal', 5_000);
  workers.resume('train:after-checkpoint');

  await workers.reached('publish:after-claim');
  const minioDownLong = outage('minio', 120_000);
  await sleep(1000);
  workers.resume('publish:after-claim');
  await minioDownLong;

  const result = (await client().workflow.getHandle(handle.workflowId).result()) as ReleaseResult;
  expect(result.version).toBe('v1');
  const { released, unreleased } = await auditModel(store, model);
  expect(released.map((m) => m.version)).toEqual(['v1']);
  expect(unreleased).toEqual([]);
  expect((await attemptsOf(handle, 'train'))[0]).toBeGreaterThan(1);
  expect((await attemptsOf(handle, 'publish'))[0]).toBeGreaterThan(3);
});

/**
 * Durability: kill the training worker mid-run (SIGKILL, no goodbye). Temporal notices the missing
 * heartbeat, retries the activity on a fresh worker, and training (or pruning) resumes from the
 * last epoch checkpoint instead of starting over.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { PIPELINE_TASK_QUEUE, validateSpec, type ReleaseManifest, type ReleaseResult, type TrainingHeartbeat } from '../../../contracts';
import { ensureLocalWorkers, localWorkerPid } from '../../../client/local-workers';
import type { releaseModel } from '../../../workflows';
import { loadMnist, sliceImageSet } from '../../../ml';
import { idxDataSpec } from '../../support/idx-files';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName } from '../../support/specs';

const { config, store, client } = useTestServices();

async function heartbeatOf(workflowId: string, activity: 'train' | 'prune'): Promise<TrainingHeartbeat | undefined> {
  const description = await client().workflow.getHandle(workflowId).describe();
  const pending = description.raw.pendingActivities?.find((a) => a.activityType?.name === activity);
  const payload = pending?.heartbeatDetails?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<TrainingHeartbeat>(payload) : undefined;
}

type Killed = 'train' | 'prune';
const EPOCHS = 6;

/** Runs a release, SIGKILLs the training worker once `activity` reported its first checkpoint, and returns the manifest. */
async function releaseKilledDuring(activity: Killed): Promise<{ manifest: ReleaseManifest; result: ReleaseResult; checkpointEpoch: number; attempts: number[] }> {
  const dir = tempDir();
  const mnist = loadMnist();
  const model = uniqueModelName(`resume-${activity}`);
  const spec = {
    model,
    architecture: 'mlp',
    data: idxDataSpec(dir, sliceImageSet(mnist.train, 0, 20000), sliceImageSet(mnist.test, 0, 2000)),
    training: { epochs: activity === 'train' ? EPOCHS : 1, batchSize: 32, seed: 3 },
    benchmark: { maxAccuracyGapPoints: 0.5 },
    ...(activity === 'prune' ? { pruning: { targetSparsity: 0.7, epochs: EPOCHS }, variants: ['float32', 'pruned-float32'] } : {}),
  };

  const log = () => undefined;
  await ensureLocalWorkers(config, client(), log);
  const workflowId = `resume-${model}`;
  const handle = await client().workflow.start<typeof releaseModel>('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId, args: [validateSpec(spec)] });

  // Wait for the first checkpoint to be reported, then kill the training worker outright.
  let beat: TrainingHeartbeat | undefined;
  const deadline = Date.now() + 10 * 60_000;
  while (!(beat?.checkpoint && beat.checkpoint.epoch >= 1)) {
    if (Date.now() > deadline) throw new Error(`${activity} never reported a checkpoint`);
    await new Promise((r) => setTimeout(r, 250));
    beat = await heartbeatOf(workflowId, activity);
  }
  expect(beat.checkpoint!.epoch).toBeLessThan(EPOCHS);
  const pid = localWorkerPid(config, 'training');
  expect(pid).toBeDefined();
  process.kill(pid!, 'SIGKILL');

  // A new worker picks up the retry once the heartbeat times out.
  await ensureLocalWorkers(config, client(), log);
  const result = (await handle.result()) as ReleaseResult;
  const manifestBytes = await store.get(`${model}/${result.version}/manifest.json`);
  const history = await handle.fetchHistory();
  const attempts = (history.events ?? []).flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    if (!started) return [];
    const scheduled = history.events?.find((s) => String(s.eventId) === String(started.scheduledEventId));
    return scheduled?.activityTaskScheduledEventAttributes?.activityType?.name === activity ? [started.attempt ?? 0] : [];
  });
  return { manifest: JSON.parse(new TextDecoder().decode(manifestBytes)) as ReleaseManifest, result, checkpointEpoch: beat.checkpoint!.epoch, attempts };
}

it('resumes training from the last checkpoint after the training worker is killed', async () => {
  const { manifest, result, checkpointEpoch, attempts } = await releaseKilledDuring('train');
  expect(manifest.training.resumedFromEpoch).toBeGreaterThanOrEqual(checkpointEpoch);
  expect(manifest.training.resumedFromEpoch).toBeLessThan(EPOCHS);
  expect(manifest.training.epochs).toBe(EPOCHS);
  expect(attempts).toContain(2);
  expect(result.evaluation.accuracy).toBeGreaterThan(0.9);
});

it('resumes pruning from its last checkpoint after the training worker is killed, and still reaches the target', async () => {
  const { manifest, checkpointEpoch, attempts } = await releaseKilledDuring('prune');
  const pruning = manifest.pruning!;
  expect(pruning.resumedFromEpoch).toBeGreaterThanOrEqual(checkpointEpoch);
  expect(pruning.resumedFromEpoch).toBeLessThan(EPOCHS);
  expect(attempts).toContain(2);
  for (const layer of pruning.layers) expect(layer.sparsity).toBeCloseTo(0.7, 2);
  expect(manifest.variants.find((v) => v.variant === 'pruned-float32')?.passed).toBe(true);
});

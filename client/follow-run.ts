/**
 * Follows a running release: polls the workflow's `progress` query and the training activity's
 * heartbeat (epoch, batch, loss, accuracy) and hands snapshots to a renderer until the run ends.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ReleaseProgress, TrainingHeartbeat } from '../contracts';
import { progressQuery } from '../workflows/queries';

export interface RunSnapshot {
  progress?: ReleaseProgress;
  training?: TrainingHeartbeat;
  /** Attempt number and last failure of the current activity, when it is being retried. */
  retry?: { activity: string; attempt: number; lastFailure?: string; nextAttemptAt?: number };
  elapsedMs: number;
}

async function snapshot(handle: WorkflowHandle, startedAt: number): Promise<RunSnapshot> {
  const [progress, description] = await Promise.all([
    handle.query(progressQuery).catch(() => undefined),
    handle.describe().catch(() => undefined),
  ]);
  const snap: RunSnapshot = { progress, elapsedMs: Date.now() - startedAt };
  for (const pending of description?.raw.pendingActivities ?? []) {
    const activity = pending.activityType?.name ?? '?';
    const payload = pending.heartbeatDetails?.payloads?.[0];
    if ((activity === 'train' || activity === 'prune') && payload) snap.training = defaultPayloadConverter.fromPayload<TrainingHeartbeat>(payload);
    if ((pending.attempt ?? 1) > 1) {
      // Between attempts the server holds the activity until its next scheduled try: show that wait.
      const next = Number(pending.nextAttemptScheduleTime?.seconds ?? 0) * 1000;
      snap.retry = {
        activity,
        attempt: pending.attempt ?? 1,
        lastFailure: pending.lastFailure?.message ?? undefined,
        ...(next > Date.now() ? { nextAttemptAt: next } : {}),
      };
    }
  }
  return snap;
}

export async function followRun<T>(
  handle: WorkflowHandle,
  render: (snap: RunSnapshot) => void,
  opts: { intervalMs?: number; startedAt?: number } = {},
): Promise<T> {
  const startedAt = opts.startedAt ?? Date.now();
  let done = false;
  const result = handle.result().finally(() => {
    done = true;
  });
  const poll = (async () => {
    while (!done) {
      render(await snapshot(handle, startedAt));
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000))]);
    }
  })();
  try {
    return (await result) as T;
  } finally {
    await poll.catch(() => undefined);
    render(await snapshot(handle, startedAt).catch(() => ({ elapsedMs: Date.now() - startedAt })));
  }
}

/**
 * Timeout and retry presets, one per activity, in one place.
 * Bad input fails fast (non-retryable types); infrastructure hiccups retry with backoff,
 * but never forever: an unreachable store gives up after a few minutes with its reason.
 * Every activity heartbeats (every 2-3 s), so a short heartbeat timeout notices a dead worker
 * in seconds; the retry then runs on another (or the restarted) worker.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES, PIPELINE_TASK_QUEUE, TRAINING_TASK_QUEUE } from '../contracts';

/**
 * Waits of 2, 4, 8, 16, then 30 s between attempts: 16 attempts ride out a storage (or worker)
 * outage of about 6 minutes before the run gives up; the CLI shows each retry and its reason.
 * Steps that redo heavy work per attempt take fewer (10 attempts: about 3 minutes).
 */
const storageRetry: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 16,
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
};

export const prepareDataOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '20m',
  heartbeatTimeout: '20s',
  retry: storageRetry,
};

/** Training heartbeats every few seconds; a worker that dies is noticed within 30 s and the retry resumes from the last checkpoint. */
export const trainOptions: ActivityOptions = {
  taskQueue: TRAINING_TASK_QUEUE,
  startToCloseTimeout: '6h',
  heartbeatTimeout: '30s',
  retry: { ...storageRetry, maximumAttempts: 10 },
};

/** Pruning fine-tunes like training: same queue, heartbeats and checkpoint resume. */
export const pruneOptions: ActivityOptions = trainOptions;

export const evaluateOptions: ActivityOptions = {
  taskQueue: TRAINING_TASK_QUEUE,
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: { ...storageRetry, maximumAttempts: 10 },
};

export const convertOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '15m',
  heartbeatTimeout: '20s',
  retry: { ...storageRetry, maximumAttempts: 10 },
};

export const benchmarkOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '1h',
  heartbeatTimeout: '20s',
  retry: { ...storageRetry, maximumAttempts: 10 },
};

/** Publish is all storage I/O and must not give up on a short outage: a trained run would be lost. */
export const publishOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '15m',
  heartbeatTimeout: '20s',
  retry: storageRetry,
};

/** Marks a failed run's claimed version abandoned: small, and retried through short outages too. */
export const abandonClaimOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '1m',
  retry: storageRetry,
};

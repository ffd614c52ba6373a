/**
 * Timeout and retry presets, one per activity, in one place.
 * Bad input fails fast (non-retryable types); infrastructure hiccups retry with backoff,
 * but never forever: an unreachable store gives up after a few minutes with its reason.
 * Every activity heartbeats (every 2-3 s), so a short heartbeat timeout notices a dead worker
 * in seconds; the retry then runs on another (or the restarted) worker.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES, taskQueueOf } from '../contracts';

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
  taskQueue: taskQueueOf('prepareData'),
  startToCloseTimeout: '20m',
  heartbeatTimeout: '20s',
  retry: storageRetry,
};

/** Training heartbeats every few seconds; a worker that dies is noticed within 30 s and the retry resumes from the last checkpoint. */
export const trainOptions: ActivityOptions = {
  taskQueue: taskQueueOf('train'),
  startToCloseTimeout: '6h',
  heartbeatTimeout: '30s',
  retry: { ...storageRetry, maximumAttempts: 10 },
};

/** Pruning fine-tunes like training: same queue, heartbeats and checkpoint resume. */
export const pruneOptions: ActivityOptions = { ...trainOptions, taskQueue: taskQueueOf('prune') };

export const evaluateOptions: ActivityOptions = {
  taskQueue: taskQueueOf('evaluate'),
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: { ...storageRetry, maximumAttempts: 10 },
};

export const convertOptions: ActivityOptions = {
  taskQueue: taskQueueOf('convert'),
  startToCloseTimeout: '15m',
  heartbeatTimeout: '20s',
  retry: { ...storageRetry, maximumAttempts: 10 },
};

export const benchmarkOptions: ActivityOptions = {
  taskQueue: taskQueueOf('benchmark'),
  startToCloseTimeout: '1h',
  heartbeatTimeout: '20s',
  retry: { ...storageRetry, maximumAttempts: 10 },
};

/** Publish is all storage I/O and must not give up on a short outage: a trained run would be lost. */
export const publishOptions: ActivityOptions = {
  taskQueue: taskQueueOf('publish'),
  startToCloseTimeout: '15m',
  heartbeatTimeout: '20s',
  retry: storageRetry,
};

/** Marks a failed run's claimed version abandoned: small, and retried through short outages too. */
export const abandonClaimOptions: ActivityOptions = {
  taskQueue: taskQueueOf('abandonReleaseClaim'),
  startToCloseTimeout: '1m',
  retry: storageRetry,
};

/** Channel moves are a few small conditional writes; conflicts are re-read inside the activity. */
export const channelOptions: ActivityOptions = {
  taskQueue: taskQueueOf('moveChannel'),
  startToCloseTimeout: '2m',
  retry: { ...storageRetry, maximumAttempts: 8 },
};

/** Recipe lookups read back (and hash) the matching release's files before trusting them. */
export const recipeOptions: ActivityOptions = {
  taskQueue: taskQueueOf('lookupRecipe'),
  startToCloseTimeout: '10m',
  retry: { ...storageRetry, maximumAttempts: 8 },
};

/**
 * Timeout and retry presets, one per activity, in one place.
 * Bad input fails fast (non-retryable types); infrastructure hiccups retry with backoff,
 * but never forever: an unreachable store gives up after a few minutes with its reason.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES, taskQueueOf } from '../contracts';

const retry = (maximumAttempts: number): RetryPolicy => ({
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  maximumAttempts,
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
});

export const prepareDataOptions: ActivityOptions = {
  taskQueue: taskQueueOf('prepareData'),
  startToCloseTimeout: '20m',
  heartbeatTimeout: '1m',
  retry: retry(4),
};

/** Training heartbeats every few seconds; a worker that dies is noticed within 30 s and the retry resumes from the last checkpoint. */
export const trainOptions: ActivityOptions = {
  taskQueue: taskQueueOf('train'),
  startToCloseTimeout: '6h',
  heartbeatTimeout: '30s',
  retry: retry(5),
};

/** Pruning fine-tunes like training: same queue, heartbeats and checkpoint resume. */
export const pruneOptions: ActivityOptions = { ...trainOptions, taskQueue: taskQueueOf('prune') };

export const evaluateOptions: ActivityOptions = {
  taskQueue: taskQueueOf('evaluate'),
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: retry(3),
};

export const convertOptions: ActivityOptions = {
  taskQueue: taskQueueOf('convert'),
  startToCloseTimeout: '15m',
  retry: retry(3),
};

export const benchmarkOptions: ActivityOptions = {
  taskQueue: taskQueueOf('benchmark'),
  startToCloseTimeout: '1h',
  heartbeatTimeout: '1m',
  retry: retry(3),
};

export const publishOptions: ActivityOptions = {
  taskQueue: taskQueueOf('publish'),
  startToCloseTimeout: '15m',
  retry: retry(5),
};

/**
 * Timeout and retry presets, one per activity, in one place.
 * Bad input fails fast (non-retryable types); infrastructure hiccups retry with backoff,
 * but never forever: an unreachable store gives up after a few minutes with its reason.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES, PIPELINE_TASK_QUEUE, TRAINING_TASK_QUEUE } from '../contracts';

const retry = (maximumAttempts: number): RetryPolicy => ({
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  maximumAttempts,
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
});

export const prepareDataOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '20m',
  heartbeatTimeout: '1m',
  retry: retry(4),
};

/** Training heartbeats every few seconds; a worker that dies is noticed within 30 s and the retry resumes from the last checkpoint. */
export const trainOptions: ActivityOptions = {
  taskQueue: TRAINING_TASK_QUEUE,
  startToCloseTimeout: '6h',
  heartbeatTimeout: '30s',
  retry: retry(5),
};

/** Pruning fine-tunes like training: same queue, heartbeats and checkpoint resume. */
export const pruneOptions: ActivityOptions = trainOptions;

export const evaluateOptions: ActivityOptions = {
  taskQueue: TRAINING_TASK_QUEUE,
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: retry(3),
};

export const convertOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '15m',
  retry: retry(3),
};

export const benchmarkOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '1h',
  heartbeatTimeout: '1m',
  retry: retry(3),
};

export const publishOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '15m',
  retry: retry(5),
};

/** Channel moves are a few small conditional writes; conflicts are re-read inside the activity. */
export const channelOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '2m',
  retry: retry(5),
};

/** Recipe lookups read back (and hash) the matching release's files before trusting them. */
export const recipeOptions: ActivityOptions = {
  taskQueue: PIPELINE_TASK_QUEUE,
  startToCloseTimeout: '10m',
  retry: retry(4),
};

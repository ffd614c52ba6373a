/** Orchestration and light activities (data preparation, conversion, benchmark, publish). */
export const PIPELINE_TASK_QUEUE = 'liteship-pipeline';
/** CPU-heavy tfjs work (training, evaluation): its own worker with concurrency 1 so orchestration never starves. */
export const TRAINING_TASK_QUEUE = 'liteship-training';

/** The kinds of worker process; each polls one task queue. */
export type WorkerRole = 'pipeline' | 'training';

export const TASK_QUEUE_OF_ROLE: Readonly<Record<WorkerRole, string>> = {
  pipeline: PIPELINE_TASK_QUEUE,
  training: TRAINING_TASK_QUEUE,
};

export const WORKER_ROLES = Object.keys(TASK_QUEUE_OF_ROLE) as readonly WorkerRole[];

/**
 * Which worker runs each activity: the ONE table read by the worker (what it registers), the activity
 * options (where the workflow schedules it) and the local-worker launcher. activities/index.ts checks at
 * compile time that it names every activity and nothing else.
 */
export const ACTIVITY_ROLE = {
  prepareData: 'pipeline',
  convert: 'pipeline',
  benchmark: 'pipeline',
  publish: 'pipeline',
  abandonReleaseClaim: 'pipeline',
  train: 'training',
  evaluate: 'training',
  prune: 'training',
  // Channels and recipe keys: a few small reads and conditional writes.
  moveChannel: 'pipeline',
  channelHead: 'pipeline',
  lookupRecipe: 'pipeline',
  recordRecipe: 'pipeline',
  planRecipe: 'pipeline',
} as const satisfies Record<string, WorkerRole>;

export type ActivityName = keyof typeof ACTIVITY_ROLE;

/** The task queue an activity is scheduled on. */
export const taskQueueOf = (activity: ActivityName): string => TASK_QUEUE_OF_ROLE[ACTIVITY_ROLE[activity]];

/** The activities a worker of `role` registers. */
export const activitiesOfRole = (role: WorkerRole): ActivityName[] =>
  (Object.keys(ACTIVITY_ROLE) as ActivityName[]).filter((name) => ACTIVITY_ROLE[name] === role);

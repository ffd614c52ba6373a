/** Orchestration and light activities (data preparation, conversion, benchmark, publish). */
export const PIPELINE_TASK_QUEUE = 'liteship-pipeline';
/** CPU-heavy tfjs work (training, evaluation): its own worker with concurrency 1 so orchestration never starves. */
export const TRAINING_TASK_QUEUE = 'liteship-training';

export const SEARCH_ATTRIBUTES = {
  model: 'LiteshipModel',
  version: 'LiteshipVersion',
  step: 'LiteshipStep',
  /** How the run ended: released, released (channel not moved), unchanged, rejected by gate, failed. */
  outcome: 'LiteshipOutcome',
  /** The channel(s) besides latest that the run moved. */
  channel: 'LiteshipChannel',
} as const;

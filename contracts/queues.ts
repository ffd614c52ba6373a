/** Orchestration and light activities (data preparation, conversion, benchmark, publish). */
export const PIPELINE_TASK_QUEUE = 'liteship-pipeline';
/** CPU-heavy tfjs work (training, evaluation): its own worker with concurrency 1 so orchestration never starves. */
export const TRAINING_TASK_QUEUE = 'liteship-training';


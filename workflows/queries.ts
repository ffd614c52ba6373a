/** Query definitions, importable by the CLI without pulling in workflow code. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { TRAINING_PROGRESS_SIGNAL, type ReleaseProgress, type TrainingProgressUpdate } from '../contracts';

export const progressQuery = defineQuery<ReleaseProgress>('progress');
/** Sent by train and prune (throttled): the live line the workflow shows in its current details. */
export const trainingProgressSignal = defineSignal<[TrainingProgressUpdate]>(TRAINING_PROGRESS_SIGNAL);

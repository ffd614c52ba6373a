/** Live progress: training heartbeats and the workflow's `progress` query, read by the CLI. */
import type { ArtifactRef } from './artifacts';
import type { EpochMetrics } from './results';

/** Heartbeat of train and prune: progress, and the checkpoint a retry resumes from. */
export interface TrainingHeartbeat {
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  loss?: number;
  accuracy?: number;
  /** prune only: the sparsity of the masks in force. */
  sparsity?: number;
  /** Last completed epoch's checkpoint, and the curves so far: a retried attempt resumes from it. */
  checkpoint?: { epoch: number; ref: ArtifactRef; history?: EpochMetrics[] };
}

/** Signal the train activity sends its workflow (throttled) so the UI's current details show live training. */
export const TRAINING_PROGRESS_SIGNAL = 'trainingProgress';
export type TrainingProgressUpdate = Omit<TrainingHeartbeat, 'checkpoint'>;

export type StepName = 'prepareData' | 'train' | 'evaluate' | 'prune' | 'convert' | 'benchmark' | 'select' | 'publish';
export const STEP_ORDER: StepName[] = ['prepareData', 'train', 'evaluate', 'prune', 'convert', 'benchmark', 'select', 'publish'];

export interface StepState {
  /** 'skipped': the spec did not ask for it (prune without pruned variants). */
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  startedAt?: number;
  durationMs?: number;
  summary?: string;
}

export interface ReleaseProgress {
  model: string;
  current?: StepName;
  steps: Record<StepName, StepState>;
}

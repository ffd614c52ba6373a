/**
 * Heartbeats of long epoch loops (train, prune): progress at most every few seconds,
 * always the latest checkpoint, so a retried attempt on any worker resumes from it.
 */
import type { Context } from '@temporalio/activity';
import type { ArtifactRef, EpochMetrics, TrainingHeartbeat } from '../contracts';
import { WorkflowProgressSignal } from './progress-signal';

const HEARTBEAT_EVERY_MS = 2000;

export type EpochCheckpoint = NonNullable<TrainingHeartbeat['checkpoint']>;
type Progress = Omit<TrainingHeartbeat, 'checkpoint' | 'epochs'>;

export class EpochHeartbeat {
  /** The checkpoint a previous attempt reported, if this attempt is a retry. */
  readonly resumeFrom: EpochCheckpoint | undefined;
  private checkpoint: EpochCheckpoint | undefined;
  private lastBeat = 0;
  private readonly live: WorkflowProgressSignal;

  constructor(
    private readonly ctx: Context,
    private readonly epochs: number,
  ) {
    this.resumeFrom = (ctx.info.heartbeatDetails as TrainingHeartbeat | undefined)?.checkpoint;
    this.checkpoint = this.resumeFrom;
    this.live = new WorkflowProgressSignal(ctx);
  }

  /** Throttled progress; also where a cancelled activity stops. */
  beat(progress: Progress, force = false): void {
    const signal = this.ctx.cancellationSignal;
    if (signal.aborted) throw signal.reason ?? new Error('activity cancelled');
    const now = Date.now();
    if (!force && now - this.lastBeat < HEARTBEAT_EVERY_MS) return;
    this.lastBeat = now;
    this.ctx.heartbeat({ ...progress, epochs: this.epochs, ...(this.checkpoint ? { checkpoint: this.checkpoint } : {}) } satisfies TrainingHeartbeat);
    this.live.send({ ...progress, epochs: this.epochs }, force);
  }

  /** Records epoch `epoch`'s checkpoint (already stored), with the curves so far, and reports it at once. */
  checkpointed(epoch: number, ref: ArtifactRef, progress: Omit<Progress, 'epoch' | 'batch' | 'batchesPerEpoch'>, history?: EpochMetrics[]): void {
    this.checkpoint = { epoch, ref, ...(history ? { history } : {}) };
    this.beat({ ...progress, epoch, batch: 0, batchesPerEpoch: 0 }, true);
  }
}

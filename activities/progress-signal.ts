/**
 * Sends the workflow the live training line (epoch, batch, loss, accuracy) so its current details
 * in the Temporal UI show it: a workflow cannot read its activities' heartbeats. Throttled (each
 * signal is a history event) and best effort: a lost update must never fail training.
 */
import { log, type Context } from '@temporalio/activity';
import { TRAINING_PROGRESS_SIGNAL, type TrainingProgressUpdate } from '../contracts';

const SIGNAL_EVERY_MS = 10_000;

export class WorkflowProgressSignal {
  private lastSent = 0;
  private inFlight = false;

  constructor(private readonly ctx: Context) {}

  send(update: TrainingProgressUpdate, force = false): void {
    const now = Date.now();
    if (this.inFlight || (!force && now - this.lastSent < SIGNAL_EVERY_MS)) return;
    const workflowId = this.ctx.info.workflowExecution?.workflowId;
    if (!workflowId) return;
    let client;
    try {
      client = this.ctx.client;
    } catch {
      return; // no client (a test environment): nothing to tell
    }
    this.lastSent = now;
    this.inFlight = true;
    client.workflow
      .getHandle(workflowId, this.ctx.info.workflowExecution?.runId)
      .signal(TRAINING_PROGRESS_SIGNAL, update)
      .catch((err: unknown) => log.debug('training progress signal not delivered', { error: String(err) }))
      .finally(() => {
        this.inFlight = false;
      });
  }
}

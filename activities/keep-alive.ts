/**
 * Heartbeats for activities that are not epoch loops (prepareData, convert, benchmark, publish):
 * a beat every few seconds while the work runs, carrying the current stage, so that with a short
 * heartbeat timeout a dead worker is noticed in seconds instead of at the start-to-close timeout.
 */
import { Context } from '@temporalio/activity';

const BEAT_EVERY_MS = 3000;

export type StageReporter = (stage: string, extra?: Record<string, unknown>) => void;

export async function keepAlive<T>(work: (stage: StageReporter) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  let details: Record<string, unknown> = { stage: 'starting' };
  const beat = () => ctx.heartbeat(details);
  const timer = setInterval(beat, BEAT_EVERY_MS);
  beat();
  try {
    return await work((stage, extra) => {
      details = { stage, ...extra };
      beat();
    });
  } finally {
    clearInterval(timer);
  }
}

/**
 * Every run ends as one outcome (contracts/outcome.ts), set as the LiteshipOutcome search attribute
 * (and LiteshipChannel for a channel moved besides latest) so `liteship status` and the UI's
 * filters (`LiteshipOutcome = "unchanged"`) see it.
 */
import { ApplicationFailure, ActivityFailure, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { FailureType, LATEST_CHANNEL, OUTCOMES, SEARCH_ATTRIBUTES, type ChannelMoveOutcome, type RunOutcome } from '../contracts';

/** released, or released with the channel the spec asked to move left where it was, and why. */
export function releasedOutcome(channels: ChannelMoveOutcome[] | undefined): RunOutcome {
  const stuck = (channels ?? []).filter((c) => !c.moved && (c.channel !== LATEST_CHANNEL || c.note?.startsWith('could not')));
  if (stuck.length === 0) return { label: OUTCOMES.released, text: OUTCOMES.released };
  return { label: OUTCOMES.channelNotMoved, text: `released (channel not moved: ${stuck.map((c) => c.note ?? c.channel).join('; ')})` };
}

export function recordOutcome(outcome: RunOutcome, channels?: ChannelMoveOutcome[]): void {
  if (!patched('liteship-outcome')) return;
  const moved = (channels ?? []).filter((c) => c.moved && c.channel !== LATEST_CHANNEL).map((c) => c.channel);
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.outcome, value: outcome.label },
    // One Keyword: the channel the spec promotes to (latest moves on every release, so it is not news).
    ...(moved.length ? [{ key: SEARCH_ATTRIBUTES.channel, value: moved.join(',') }] : []),
  ]);
}

/** Runs the release and records how it ended, a failure included (which is then rethrown). */
export async function withOutcome<T extends { outcome?: RunOutcome; channels?: ChannelMoveOutcome[] }>(run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    if (result.outcome) recordOutcome(result.outcome, result.channels);
    return result;
  } catch (err) {
    const gate = err instanceof ApplicationFailure && err.type === FailureType.gateFailed;
    const cancelled = err instanceof ActivityFailure && err.cause?.name === 'CancelledFailure';
    if (!cancelled) recordOutcome({ label: gate ? OUTCOMES.rejectedByGate : OUTCOMES.failed, text: gate ? OUTCOMES.rejectedByGate : OUTCOMES.failed });
    throw err;
  }
}

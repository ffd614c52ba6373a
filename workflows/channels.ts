/** After a release: move `latest` to it. A channel that cannot move never fails the published release. */
import { ActivityFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { LATEST_CHANNEL, type ChannelMoveOutcome } from '../contracts';
import { channelOptions } from './activity-options';

const { moveChannel } = proxyActivities<Activities>(channelOptions);

export async function moveChannelAfterRelease(model: string, channel: string, version: string, reason: string, expectVersion?: string): Promise<ChannelMoveOutcome> {
  try {
    const { moved, version: now, note } = await moveChannel({ model, channel, version, reason, workflowId: workflowInfo().workflowId, ...(expectVersion ? { expectVersion } : {}) });
    return { moved, channel, ...(now ? { version: now } : {}), ...(note ? { note } : {}) };
  } catch (err) {
    const why = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
    return { moved: false, channel, note: `could not move ${channel}: ${why}` };
  }
}

export function moveLatest(model: string, version: string): Promise<ChannelMoveOutcome> {
  return moveChannelAfterRelease(model, LATEST_CHANNEL, version, `new release ${version}`);
}

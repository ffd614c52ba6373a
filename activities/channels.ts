/**
 * moveChannel: after a release is published, move `latest` (always, never backwards) or a promoted
 * channel (only if it still points where it pointed when the regression gate measured it).
 * Idempotent: a retried attempt that finds the channel already at its version by this workflow is done.
 */
import { log } from '@temporalio/activity';
import {
  LATEST_CHANNEL,
  RELEASE_FILES,
  parseAutoVersion,
  storageKeys,
  type ArtifactRef,
  type ChannelEntry,
  type ChannelMoveOutcome,
  type ModelVariant,
  type ReleaseManifest,
} from '../contracts';
import { sha256Hex } from './artifact-io';
import { ChannelConflictError, ChannelStore } from '../infra/channel-store';
import type { ActivityDeps } from './deps';

export interface MoveChannelInput {
  model: string;
  channel: string;
  version: string;
  reason: string;
  workflowId: string;
  /** The version the channel held when the gate compared with it (undefined: it was empty). Not used for latest. */
  expectVersion?: string;
}

export interface MoveChannelResult extends ChannelMoveOutcome {
  entry?: ChannelEntry;
}

const MAX_TRIES = 5;

export function createMoveChannel(deps: Pick<ActivityDeps, 'store'>) {
  const channels = new ChannelStore(deps.store);
  return async function moveChannel(input: MoveChannelInput): Promise<MoveChannelResult> {
    const { model, channel, version, workflowId } = input;
    const by = `workflow ${workflowId}`;
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const current = (await channels.read(model, channel))?.entry;
      if (current?.version === version && current.by === by) return { moved: true, channel, version, entry: current };
      if (channel === LATEST_CHANNEL && current && isNewer(current.version, version)) {
        return { moved: false, channel, version: current.version, note: `${channel} already points at the newer ${current.version}` };
      }
      if (channel !== LATEST_CHANNEL && current?.version !== input.expectVersion) {
        return {
          moved: false,
          channel,
          ...(current ? { version: current.version } : {}),
          note: `${channel} moved to ${current?.version ?? 'nothing'} during this run (the gate compared with ${input.expectVersion ?? 'an empty channel'})`,
        };
      }
      try {
        const entry = await channels.move(model, channel, { version, by, reason: input.reason, kind: channel === LATEST_CHANNEL ? 'release' : 'promote' });
        log.info('channel moved', { model, channel, version });
        return { moved: true, channel, version, entry };
      } catch (err) {
        if (!(err instanceof ChannelConflictError)) throw err;
        // Another run moved it in between: look again (latest still moves if ours is the newest).
      }
    }
    throw new ChannelConflictError(`${model} ${channel} kept moving under this run after ${MAX_TRIES} tries`);
  };
}

/** True when `a` is a later auto version than `b` (explicit version names are never "newer"). */
function isNewer(a: string, b: string): boolean {
  const na = parseAutoVersion(a);
  const nb = parseAutoVersion(b);
  return na !== undefined && nb !== undefined && na > nb;
}

/** The release a channel points at, as an artifact the benchmark activity can read (sha256-checked there). */
export interface ChannelHead {
  version: string;
  variant: ModelVariant;
  tflite: ArtifactRef;
  tfjsAccuracy: number;
}

export function createChannelHead(deps: Pick<ActivityDeps, 'store'>) {
  const channels = new ChannelStore(deps.store);
  return async function channelHead({ model, channel }: { model: string; channel: string }): Promise<ChannelHead | undefined> {
    const pointer = await channels.read(model, channel);
    if (!pointer) return undefined;
    const { version, manifestSha256 } = pointer.entry;
    const manifestBytes = await deps.store.get(storageKeys.releaseFile(model, version, RELEASE_FILES.manifest));
    if (sha256Hex(manifestBytes) !== manifestSha256) {
      throw new Error(`${model} ${channel} points at ${version}, whose manifest no longer has the sha256 recorded when the channel moved: the release was altered; fix the bucket`);
    }
    const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as ReleaseManifest;
    const file = manifest.files[RELEASE_FILES.model];
    if (!file) throw new Error(`${model} ${version} has no ${RELEASE_FILES.model} in its manifest`);
    return {
      version,
      variant: manifest.chosenVariant,
      tflite: { uri: deps.store.uriFor(storageKeys.releaseFile(model, version, RELEASE_FILES.model)), ...file },
      tfjsAccuracy: manifest.summary.tfjsAccuracy,
    };
  };
}

/**
 * Release channels: named pointers (latest, stable, beta, ...) at a model's published versions.
 * Pure: the pointer and history entry shapes, their keys in the bucket, name rules, and which
 * version a rollback goes back to.
 */

export const CHANNEL_SCHEMA = 'liteship.channel/v1';
/** Moves to every new release by itself; every other channel moves only by promotion. */
export const LATEST_CHANNEL = 'latest';

/** How a channel got to where it points. */
export type ChannelMoveKind = 'release' | 'promote' | 'rollback';

/** The pointer object, and (the same object) one write-once history entry per move. */
export interface ChannelEntry {
  schema: typeof CHANNEL_SCHEMA;
  model: string;
  channel: string;
  /** 1 for the first move of this channel, +1 per move: names the history entry. */
  sequence: number;
  version: string;
  /** sha256 of the release's manifest.json when the channel moved to it. */
  manifestSha256: string;
  movedAt: string;
  /** Who moved it: `user@host` from the CLI, `workflow <id>` from a run. */
  by: string;
  reason: string;
  kind: ChannelMoveKind;
  /** The version the channel held before this move (absent for the first). */
  previousVersion?: string;
}

const CHANNEL_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** undefined when the name is fine, else what is wrong with it and how to fix it. */
export function channelNameProblem(name: string): string | undefined {
  if (CHANNEL_PATTERN.test(name)) return undefined;
  return `invalid channel name ${JSON.stringify(name)}: use 1-32 lowercase letters, digits and dashes, starting with a letter (e.g. stable, beta, canary)`;
}

const prefix = (model: string) => `_liteship/channels/${model}/`;

/** Under `_liteship/`, which no model name can take, so channels never look like a version folder. */
export const channelKeys = {
  prefix,
  pointer: (model: string, channel: string) => `${prefix(model)}${channel}.json`,
  historyPrefix: (model: string, channel: string) => `${prefix(model)}${channel}/history/`,
  /** Zero-padded so that listing order is move order. */
  history: (model: string, channel: string, sequence: number) => `${prefix(model)}${channel}/history/${String(sequence).padStart(8, '0')}.json`,
};

/**
 * The versions a channel stands on, as a stack: a release or promotion pushes its version, a
 * rollback pops the top. The top is where the channel points; a rollback goes to the one below.
 */
export function channelStack(history: ChannelEntry[]): string[] {
  const stack: string[] = [];
  for (const entry of history) {
    if (entry.kind === 'rollback') stack.pop();
    else stack.push(entry.version);
  }
  return stack;
}

/** The version a rollback moves the channel to, or undefined when there is no earlier entry. */
export function rollbackTarget(history: ChannelEntry[]): string | undefined {
  const stack = channelStack(history);
  return stack.length >= 2 ? stack[stack.length - 2] : undefined;
}

/** What happened to a channel at the end of a run: moved, or why not. */
export interface ChannelMoveOutcome {
  moved: boolean;
  channel: string;
  /** Where the channel points now. */
  version?: string;
  /** Why it did not move, in plain words. */
  note?: string;
}

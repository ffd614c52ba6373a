/**
 * Channels in the bucket: a small pointer object per channel, changed only by a conditional write
 * on the ETag it was read with (If-None-Match: * for the first), plus one write-once history object
 * per move. Two concurrent moves: exactly one wins, the other gets a ChannelConflictError and
 * changes nothing. Releases themselves are only read here, never written.
 */
import { createHash } from 'node:crypto';
import {
  CHANNEL_SCHEMA,
  RELEASE_FILES,
  channelKeys,
  channelNameProblem,
  rollbackTarget,
  storageKeys,
  type ChannelEntry,
  type ChannelMoveKind,
} from '../contracts';
import { ObjectAlreadyExistsError, ObjectChangedError, type ObjectStore } from './object-store';
import { FailureType, type FailureDeclaration } from '../contracts';

/** Bad input for a channel operation: nothing was changed; the message says what to fix. */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  /** An unknown channel or release, no earlier entry, a bad name: the same request fails again. */
  static readonly failure: FailureDeclaration = { type: FailureType.invalidConfig, retryable: false };
}

/** Someone else moved the channel between our read and our write: nothing of ours was written. */
export class ChannelConflictError extends Error {
  override readonly name = 'ChannelConflictError';
  /** Another writer won the race: reading the channel again and retrying can succeed. */
  static readonly failure: FailureDeclaration = { type: FailureType.concurrentChange, retryable: true };
}

export interface ChannelMove {
  version: string;
  by: string;
  reason: string;
  kind: ChannelMoveKind;
  /** Fail with a conflict unless the channel is still at this move (a rollback computed from it). */
  expectSequence?: number;
}

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
const parse = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as ChannelEntry;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function checkChannelName(channel: string): void {
  const problem = channelNameProblem(channel);
  if (problem) throw new ChannelError(problem);
}

export class ChannelStore {
  constructor(private readonly store: ObjectStore) {}

  /** The channel's pointer and the ETag a move must match, or undefined when it never moved. */
  async read(model: string, channel: string): Promise<{ entry: ChannelEntry; etag: string } | undefined> {
    const key = channelKeys.pointer(model, channel);
    const head = await this.store.head(key);
    if (!head) return undefined;
    // Read after head: if it moved in between, the move's If-Match on this (older) ETag fails, which is safe.
    return { entry: parse(await this.store.get(key)), etag: head.etag };
  }

  /** Every channel of a model with where it points, by name. */
  async list(model: string): Promise<ChannelEntry[]> {
    const { keys } = await this.store.list(channelKeys.prefix(model), { delimiter: '/' });
    const entries = await Promise.all(keys.filter((k) => k.endsWith('.json')).map(async (k) => parse(await this.store.get(k))));
    return entries.sort((a, b) => a.channel.localeCompare(b.channel));
  }

  /** Every move of a channel, oldest first. */
  async history(model: string, channel: string): Promise<ChannelEntry[]> {
    const { keys } = await this.store.list(channelKeys.historyPrefix(model, channel));
    const entries = await Promise.all(keys.sort().map(async (k) => parse(await this.store.get(k))));
    return entries.sort((a, b) => a.sequence - b.sequence);
  }

  /** The version a channel name or version names: a released version wins over a channel of the same name. */
  async resolve(model: string, versionOrChannel: string): Promise<{ version: string; channel?: string } | undefined> {
    if (await this.store.head(storageKeys.releaseFile(model, versionOrChannel, RELEASE_FILES.manifest))) return { version: versionOrChannel };
    if (channelNameProblem(versionOrChannel)) return undefined;
    const pointer = await this.read(model, versionOrChannel);
    return pointer ? { version: pointer.entry.version, channel: versionOrChannel } : undefined;
  }

  /**
   * Moves a channel to a released version. The release must have its manifest (its sha256 is recorded).
   * Throws ChannelConflictError when another move got there first.
   */
  async move(model: string, channel: string, move: ChannelMove): Promise<ChannelEntry> {
    checkChannelName(channel);
    const manifestSha256 = await this.manifestSha256(model, move.version);
    const current = await this.read(model, channel);
    if (move.expectSequence !== undefined && current?.entry.sequence !== move.expectSequence) {
      throw new ChannelConflictError(`${model} ${channel} moved while this ${move.kind} was being prepared (now at ${current?.entry.version ?? 'nothing'}); nothing was changed: try again`);
    }
    // A mover that died between the pointer and its history entry left the entry missing: write it now.
    if (current) await this.writeHistory(current.entry);
    const entry: ChannelEntry = {
      schema: CHANNEL_SCHEMA,
      model,
      channel,
      sequence: (current?.entry.sequence ?? 0) + 1,
      version: move.version,
      manifestSha256,
      movedAt: new Date().toISOString(),
      by: move.by,
      reason: move.reason,
      kind: move.kind,
      ...(current ? { previousVersion: current.entry.version } : {}),
    };
    const key = channelKeys.pointer(model, channel);
    try {
      await this.store.put(key, json(entry), current ? { ifMatch: current.etag, contentType: 'application/json' } : { ifNoneMatch: '*', contentType: 'application/json' });
    } catch (err) {
      if (err instanceof ObjectChangedError || err instanceof ObjectAlreadyExistsError) {
        const now = await this.read(model, channel);
        throw new ChannelConflictError(
          `${model} ${channel} was moved by someone else while this move was being made` +
            `${now ? ` (it now points at ${now.entry.version}, moved by ${now.entry.by}: ${now.entry.reason})` : ''}; ` +
            `nothing was changed: check \`liteship channels ${model}\` and try again if still wanted`,
          { cause: err },
        );
      }
      throw err;
    }
    await this.writeHistory(entry);
    return entry;
  }

  /** Moves the channel back to the version below its current one (see channelStack). */
  async rollback(model: string, channel: string, by: string, reason: string): Promise<ChannelEntry> {
    checkChannelName(channel);
    const current = await this.read(model, channel);
    if (!current) throw new ChannelError(`${model} has no channel ${channel}; its channels: ${(await this.names(model)).join(', ') || 'none yet'}`);
    const history = await this.history(model, channel);
    if (!history.some((e) => e.sequence === current.entry.sequence)) history.push(current.entry);
    const target = rollbackTarget(history);
    if (!target) {
      throw new ChannelError(`${model} ${channel} has no earlier entry to roll back to (it has only ever pointed at ${current.entry.version}); nothing was changed`);
    }
    return this.move(model, channel, { version: target, by, reason: reason || `rollback from ${current.entry.version}`, kind: 'rollback', expectSequence: current.entry.sequence });
  }

  private async names(model: string): Promise<string[]> {
    return (await this.list(model)).map((e) => e.channel);
  }

  private async manifestSha256(model: string, version: string): Promise<string> {
    const key = storageKeys.releaseFile(model, version, RELEASE_FILES.manifest);
    if (!(await this.store.head(key))) {
      const claimed = await this.store.head(storageKeys.releaseFile(model, version, RELEASE_FILES.claim));
      throw new ChannelError(
        claimed
          ? `${model} ${version} has no manifest (its release never finished), so no channel can point at it; choose a released version (\`liteship releases ${model}\`)`
          : `${model} has no release ${version}; see \`liteship releases ${model}\` for released versions`,
      );
    }
    return sha256(await this.store.get(key));
  }

  /** Write-once; the same entry already there (a retried or repaired write) counts as written. */
  private async writeHistory(entry: ChannelEntry): Promise<void> {
    const key = channelKeys.history(entry.model, entry.channel, entry.sequence);
    try {
      await this.store.put(key, json(entry), { ifNoneMatch: '*', contentType: 'application/json' });
    } catch (err) {
      if (!(err instanceof ObjectAlreadyExistsError)) throw err;
    }
  }
}

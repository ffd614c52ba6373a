// Channels against the real MinIO of the test stack: its conditional-write answers (412 for a stale
// If-Match and for If-None-Match on an existing key, 404 for If-Match on a missing key) are what
// make a channel move a compare-and-swap.
import crypto from 'node:crypto';
import { channelKeys, type ChannelEntry } from '../../../contracts';
import { ChannelConflictError, ChannelError, ChannelStore } from '../../../infra/channel-store';
import { ObjectAlreadyExistsError, ObjectChangedError, type ObjectStore } from '../../../infra/object-store';
import { createObjectStore } from '../../../infra/s3-object-store';
import { testConfig } from '../../support/stack';

const store = createObjectStore(testConfig());

/** The same store, but the first `n` writes of `key` wait for each other, then all go to MinIO at once. */
function pointerWritesMeet(inner: ObjectStore, key: string, n: number): ObjectStore {
  let arrived = 0;
  let meet!: () => void;
  const allThere = new Promise<void>((resolve) => (meet = resolve));
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'put') {
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: Parameters<ObjectStore['put']>) => {
        if (args[0] === key && arrived < n) {
          if (++arrived === n) meet();
          await allThere;
        }
        return target.put(...args);
      };
    },
  });
}
const channels = new ChannelStore(store);
const run = `${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** A release folder with a manifest (its content does not matter to channels, its sha256 does). */
async function fakeRelease(model: string, version: string): Promise<string> {
  const manifest = JSON.stringify({ model, version });
  await store.put(`${model}/${version}/manifest.json`, bytes(manifest), { ifNoneMatch: '*' });
  return sha256(manifest);
}

afterAll(() => store.destroy());

describe('ObjectStore ifMatch on MinIO', () => {
  const key = `it-channel-store/${run}/pointer.json`;

  it('writes only while the ETag matches: a stale ETag and a missing object are ObjectChangedError, the object stays', async () => {
    await expect(store.put(key, bytes('first'), { ifMatch: '"0123456789abcdef0123456789abcdef"' })).rejects.toBeInstanceOf(ObjectChangedError);
    const { etag: first } = await store.put(key, bytes('one'), { ifNoneMatch: '*' });
    await expect(store.put(key, bytes('again'), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(ObjectAlreadyExistsError);
    const { etag: second } = await store.put(key, bytes('two'), { ifMatch: first });
    expect(second).not.toBe(first);
    await expect(store.put(key, bytes('three'), { ifMatch: first })).rejects.toThrow(/changed since it was read/);
    expect(text(await store.get(key))).toBe('two');
  });
});

describe('ChannelStore on MinIO', () => {
  const model = `it-channels-${run}`;
  const by = 'test@host';
  let sha: Record<string, string> = {};

  beforeAll(async () => {
    sha = { v1: await fakeRelease(model, 'v1'), v2: await fakeRelease(model, 'v2'), v3: await fakeRelease(model, 'v3') };
    // v4 claimed but never finished: no manifest.
    await store.put(`${model}/v4/.claim.json`, bytes('{}'), { ifNoneMatch: '*' });
  });

  it('creates a channel with If-None-Match, records the manifest sha256, and moves it with If-Match', async () => {
    const first = await channels.move(model, 'stable', { version: 'v1', by, reason: 'first', kind: 'promote' });
    expect(first).toMatchObject({ sequence: 1, version: 'v1', manifestSha256: sha.v1, by, reason: 'first' });
    expect(first.previousVersion).toBeUndefined();
    const second = await channels.move(model, 'stable', { version: 'v2', by, reason: 'better', kind: 'promote' });
    expect(second).toMatchObject({ sequence: 2, version: 'v2', previousVersion: 'v1', manifestSha256: sha.v2 });
    expect((await channels.read(model, 'stable'))?.entry).toEqual(second);
    expect((await channels.history(model, 'stable')).map((e) => e.version)).toEqual(['v1', 'v2']);
  });

  it('lets exactly one of several concurrent promotions win; the others conflict and change nothing', async () => {
    const before = await channels.read(model, 'stable');
    // Hold every racer's pointer write until all four have read the pointer, so they truly overlap
    // (on an idle machine one promotion can otherwise finish before the next starts, which is not a race).
    const racers = new ChannelStore(pointerWritesMeet(store, channelKeys.pointer(model, 'stable'), 4));
    const attempts = await Promise.allSettled(
      ['v3', 'v1', 'v3', 'v1'].map((version, i) => racers.move(model, 'stable', { version, by: `racer-${i}`, reason: `race ${i}`, kind: 'promote' })),
    );
    const won = attempts.filter((a): a is PromiseFulfilledResult<ChannelEntry> => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(3);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(ChannelConflictError);
      expect((l.reason as Error).message).toMatch(/was moved by someone else.*nothing was changed/);
    }
    const winner = won[0]!.value;
    expect(winner.sequence).toBe(before!.entry.sequence + 1);
    expect((await channels.read(model, 'stable'))?.entry).toEqual(winner);
    // History holds every move that happened and none that did not.
    const history = await channels.history(model, 'stable');
    expect(history.map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect(history[2]).toEqual(winner);
  });

  it('rolls back down the stack of versions, then says there is nothing earlier', async () => {
    const top = (await channels.read(model, 'stable'))!.entry.version;
    const back = await channels.rollback(model, 'stable', by, '');
    expect(back).toMatchObject({ version: 'v2', kind: 'rollback', previousVersion: top, reason: `rollback from ${top}` });
    expect((await channels.rollback(model, 'stable', by, 'bad v2')).version).toBe('v1');
    const before = await channels.read(model, 'stable');
    await expect(channels.rollback(model, 'stable', by, '')).rejects.toThrow(/has no earlier entry to roll back to .*nothing was changed/);
    expect(await channels.read(model, 'stable')).toEqual(before);
    expect((await channels.history(model, 'stable')).map((e) => `${e.kind}:${e.version}`)).toEqual([
      'promote:v1',
      'promote:v2',
      `promote:${top}`,
      'rollback:v2',
      'rollback:v1',
    ]);
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const keysBefore = (await store.list(channelKeys.prefix(model))).keys.sort();
    await expect(channels.move(model, 'stable', { version: 'v9', by, reason: '', kind: 'promote' })).rejects.toThrow(
      new ChannelError(`${model} has no release v9; see \`liteship releases ${model}\` for released versions`),
    );
    await expect(channels.move(model, 'stable', { version: 'v4', by, reason: '', kind: 'promote' })).rejects.toThrow(/v4 has no manifest \(its release never finished\)/);
    await expect(channels.move(model, 'Stable!', { version: 'v1', by, reason: '', kind: 'promote' })).rejects.toThrow(/invalid channel name "Stable!"/);
    await expect(channels.rollback(model, 'beta', by, '')).rejects.toThrow(`${model} has no channel beta; its channels: stable`);
    expect((await store.list(channelKeys.prefix(model))).keys.sort()).toEqual(keysBefore);
  });

  it('lists channels and resolves a version or a channel name', async () => {
    await channels.move(model, 'beta', { version: 'v3', by, reason: 'try', kind: 'promote' });
    expect((await channels.list(model)).map((e) => `${e.channel}=${e.version}`)).toEqual(['beta=v3', 'stable=v1']);
    expect(await channels.resolve(model, 'v2')).toEqual({ version: 'v2' });
    expect(await channels.resolve(model, 'beta')).toEqual({ version: 'v3', channel: 'beta' });
    expect(await channels.resolve(model, 'nightly')).toBeUndefined();
    expect(await channels.resolve(model, 'v4')).toBeUndefined();
  });
});

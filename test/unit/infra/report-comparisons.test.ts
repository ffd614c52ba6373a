// A report compares its release with the one before it and with each channel head, each release once.
import { MANIFEST_SCHEMA, RELEASE_FILES, storageKeys, type ReleaseManifest } from '../../../contracts';
import { ChannelStore } from '../../../infra/channel-store';
import { MemoryObjectStore } from '../../../infra/memory-object-store';
import { reportComparisons } from '../../../infra/report-comparisons';

const model = 'digits';

async function release(store: MemoryObjectStore, version: string, createdAt: string): Promise<void> {
  const manifest = { schema: MANIFEST_SCHEMA, model, version, createdAt, files: {} } as unknown as ReleaseManifest;
  await store.put(storageKeys.releaseFile(model, version, RELEASE_FILES.manifest), new TextEncoder().encode(JSON.stringify(manifest)));
}

test('previous release first, then each other channel head; a release that is both is compared once, naming both', async () => {
  const store = new MemoryObjectStore();
  await release(store, 'v1', '2026-11-01T00:00:00Z');
  await release(store, 'v2', '2026-11-02T00:00:00Z');
  await release(store, 'v3', '2026-11-03T00:00:00Z');
  await release(store, 'v4', '2026-11-04T00:00:00Z');
  const channels = new ChannelStore(store);
  const move = (channel: string, version: string) => channels.move(model, channel, { version, by: 'test', reason: 'test', kind: 'promote' });
  await move('stable', 'v1');
  await move('beta', 'v3'); // the previous release of v4: listed once, naming both
  await move('latest', 'v4'); // this release itself: not compared with itself

  const found = await reportComparisons(store, model, 'v4', '2026-11-04T00:00:00Z');
  expect(found.map((c) => [c.label, c.record.manifest.version])).toEqual([
    ['previous release, beta head', 'v3'],
    ['stable head', 'v1'],
  ]);
  expect(await reportComparisons(store, model, 'v1', '2026-11-01T00:00:00Z')).toEqual([
    expect.objectContaining({ label: 'beta head' }),
    expect.objectContaining({ label: 'latest head' }),
  ]);
});

/**
 * What a release's report compares it with: the release published just before it, and the
 * release each channel points at (stable, beta, ...), each once and never the release itself.
 * A release that is both gets one comparison naming both ("previous release, stable head"), so a
 * reader still sees which channel holds it.
 */
import { ChannelStore } from './channel-store';
import type { ObjectStore } from './object-store';
import { previousRelease, readStoredRelease, type StoredRelease } from './release-records';

export interface ReportComparison {
  label: string;
  record: StoredRelease;
}

export async function reportComparisons(store: ObjectStore, model: string, version: string, createdAt: string): Promise<ReportComparison[]> {
  const previous = await previousRelease(store, model, version, createdAt);
  const byVersion = new Map<string, { labels: string[]; record: StoredRelease }>();
  if (previous) byVersion.set(previous.manifest.version, { labels: ['previous release'], record: previous });
  for (const head of await new ChannelStore(store).list(model)) {
    if (head.version === version) continue;
    const known = byVersion.get(head.version);
    if (known) {
      known.labels.push(`${head.channel} head`);
      continue;
    }
    const record = await readStoredRelease(store, model, head.version);
    if (record) byVersion.set(head.version, { labels: [`${head.channel} head`], record });
  }
  return [...byVersion.values()].map(({ labels, record }) => ({ label: labels.join(', '), record }));
}

/**
 * What a release's report compares it with: the release published just before it, and the
 * release each channel points at (stable, beta, ...), each once and never the release itself.
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
  const out: ReportComparison[] = previous ? [{ label: 'previous release', record: previous }] : [];
  const seen = new Set([version, ...(previous ? [previous.manifest.version] : [])]);
  for (const head of await new ChannelStore(store).list(model)) {
    if (seen.has(head.version)) continue;
    const record = await readStoredRelease(store, model, head.version);
    if (!record) continue;
    seen.add(head.version);
    out.push({ label: `${head.channel} head`, record });
  }
  return out;
}

/** What a release records about its image-folder dataset beyond counts: class names and every skipped file. */
import type { PreparedDataRef } from '../contracts';
import { decodeDatasetManifest, type SkippedFile } from '../ml';
import type { ArtifactIO } from './artifact-io';

export async function datasetLabelsAndSkips(artifacts: ArtifactIO, data: PreparedDataRef): Promise<{ labels?: string[]; skipped?: SkippedFile[] }> {
  if (!data.labels && !data.skippedCount) return {};
  // The skipped list can be long, so it is read from the stored dataset manifest, not carried through workflow history.
  const manifest = decodeDatasetManifest(await artifacts.get(data.dataset), data.dataset.uri);
  return {
    ...(manifest.labels ? { labels: manifest.labels } : {}),
    ...(manifest.skipped.length > 0 ? { skipped: manifest.skipped } : {}),
  };
}

/**
 * What publish adds for people: model facts per file and the chosen file's mistakes as images
 * (both kept in metrics.json), and report.html built from the release and the one before it.
 */
import { createHash } from 'node:crypto';
import {
  RELEASE_FILES,
  storageKeys,
  type BenchmarkReport,
  type Mistake,
  type ModelFacts,
  type ModelVariant,
  type ReleaseManifest,
  type ReleaseMetricsFile,
  type TrainedModelRef,
} from '../contracts';
import type { ObjectStore } from '../infra/object-store';
import { reportComparisons } from '../infra/report-comparisons';
import { imageSize, type ExampleSource } from '../ml';
import { buildReportHtml, imagePng, pngDataUri } from '../report';
import { chartLibrarySource } from '../report/chart-library';
import { byteBudget, readTflite } from '../tflite';

const LARGEST_TENSORS = 5;

/** Operators (grouped by name and version), minimum runtime, tensors and the largest constants of one file. */
export function modelFacts(variant: ModelVariant, bytes: Uint8Array): ModelFacts {
  const d = readTflite(bytes);
  const ops = new Map<string, { name: string; version: number; count: number }>();
  for (const op of d.operators) {
    const key = `${op.name} v${op.version}`;
    const entry = ops.get(key) ?? { name: op.name, version: op.version, count: 0 };
    entry.count += 1;
    ops.set(key, entry);
  }
  const tensors = d.subgraphs.flatMap((g) => g.tensors);
  return {
    variant,
    operators: [...ops.values()],
    ...(d.minRuntimeVersion ? { minRuntimeVersion: d.minRuntimeVersion } : {}),
    tensorCount: tensors.length,
    largestTensors: tensors
      .filter((t) => t.dataBytes > 0)
      .sort((a, b) => b.dataBytes - a.dataBytes)
      .slice(0, LARGEST_TENSORS)
      .map((t) => ({ name: t.name, type: t.typeName, shape: t.shape, bytes: t.dataBytes })),
    weightBytes: byteBudget(d).weightBytes,
  };
}

/** The misclassified test images as PNG data URIs (gray or RGB, as stored); reads only those images. */
export async function mistakeImages(test: ExampleSource, mistakes: Mistake[]): Promise<Array<Mistake & { png: string }>> {
  const [height, width, channels] = test.imageShape;
  const size = imageSize(test.imageShape);
  if (channels !== 1 && channels !== 3) return [];
  const shown = mistakes.filter((m) => m.index >= 0 && m.index < test.count);
  const images = (await test.batch(shown.map((m) => m.index))).images;
  return shown.map((m, k) => ({ ...m, png: pngDataUri(imagePng(images.subarray(k * size, (k + 1) * size), width, height, channels)) }));
}

/** What metrics.json keeps for the report: training curves, model facts per file, the chosen file's mistakes. */
export async function metricsForReport(
  trained: TrainedModelRef,
  files: Array<{ variant: ModelVariant; bytes: Uint8Array }>,
  chosen: BenchmarkReport,
  test: ExampleSource,
): Promise<Pick<ReleaseMetricsFile, 'training' | 'models' | 'chosenMistakes'>> {
  return {
    training: { history: trained.history ?? [] },
    models: files.map((f) => modelFacts(f.variant, f.bytes)),
    chosenMistakes: await mistakeImages(test, chosen.tflite.mistakes ?? []),
  };
}

/**
 * Builds report.html for a release about to get its manifest, compared with the release before it
 * and with each channel's head (before this release moves any channel),
 * and writes it once. A retried publish keeps the report the first attempt wrote (same claimed version).
 */
export async function writeReleaseReport(
  store: ObjectStore,
  manifest: ReleaseManifest,
  metrics: ReleaseMetricsFile,
  workflowUrl: string | undefined,
): Promise<{ sha256: string; bytes: number }> {
  const key = storageKeys.releaseFile(manifest.model, manifest.version, RELEASE_FILES.report);
  let html: Uint8Array;
  if (await store.head(key)) {
    html = await store.get(key);
  } else {
    const comparisons = await reportComparisons(store, manifest.model, manifest.version, manifest.createdAt);
    html = new TextEncoder().encode(
      buildReportHtml({
        release: { manifest, metrics },
        comparisons,
        chartLibrary: chartLibrarySource(),
        ...(workflowUrl ? { workflowUrl } : {}),
      }),
    );
    await store.put(key, html, { ifNoneMatch: '*', contentType: 'text/html; charset=utf-8' });
  }
  return { sha256: createHash('sha256').update(html).digest('hex'), bytes: html.byteLength };
}

/**
 * The regression gate against a channel (spec.promote): the channel's current model.tflite is
 * benchmarked in the same benchmark step as the new variants, the chosen variant is judged against
 * it, and after publishing the channel moves only if every budget held.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  judgeRegression,
  type BenchmarkReport,
  type ChannelMoveOutcome,
  type ComparedFigures,
  type PreparedDataRef,
  type RegressionVerdict,
  type ReleaseSpec,
} from '../contracts';
import { benchmarkOptions, channelOptions } from './activity-options';
import { moveChannelAfterRelease } from './channels';

const { channelHead } = proxyActivities<Activities>(channelOptions);
const { benchmark } = proxyActivities<Activities>(benchmarkOptions);

export type HeadMeasurement = { ok: true; version: string; variant: string; report: BenchmarkReport } | { ok: false; version?: string; error: string };

const why = (err: unknown) => (err instanceof ActivityFailure && err.cause ? err.cause.message : String(err));

/** Measures what spec.promote's channel points at, on this run's test set and machine; undefined when it is empty. */
export async function benchmarkChannelHead(spec: ReleaseSpec, data: PreparedDataRef): Promise<HeadMeasurement | undefined> {
  if (!spec.promote) return undefined;
  let version: string | undefined;
  try {
    const head = await channelHead({ model: spec.model, channel: spec.promote.to });
    if (!head) return undefined;
    version = head.version;
    const report = await benchmark({ variant: head.variant, tflite: head.tflite, data, tfjsAccuracy: head.tfjsAccuracy, settings: spec.benchmark, checkParity: false });
    return { ok: true, version: head.version, variant: head.variant, report };
  } catch (err) {
    return { ok: false, ...(version ? { version } : {}), error: why(err) };
  }
}

export function headSummary(head: HeadMeasurement | undefined, channel: string | undefined): string {
  if (!channel) return '';
  if (!head) return `; ${channel}: empty`;
  if (!head.ok) return `; ${channel} ${head.version ?? ''} not measured: ${head.error}`;
  return `; ${channel} ${head.version} ${(head.report.tflite.accuracy * 100).toFixed(2)}% p50 ${head.report.latency.p50Ms.toFixed(3)} ms`;
}

const figures = (version: string, variant: string, b: BenchmarkReport): ComparedFigures => ({ version, variant, accuracy: b.tflite.accuracy, bytes: b.fileBytes, p50Ms: b.latency.p50Ms });

/** The verdict for the chosen variant (version unknown before publish: "this release"). */
export function regressionVerdict(spec: ReleaseSpec, version: string, chosen: BenchmarkReport, head: HeadMeasurement | undefined): RegressionVerdict | undefined {
  if (!spec.promote) return undefined;
  const candidate = figures(version, chosen.variant, chosen);
  if (head && !head.ok) {
    return { channel: spec.promote.to, candidate, passed: false, text: `${spec.promote.to} stays at ${head.version ?? 'its release'}: it could not be measured (${head.error})` };
  }
  return judgeRegression(spec.promote, candidate, head ? figures(head.version, head.variant, head.report) : undefined);
}

/** After publishing: moves the channel if the verdict passed and nobody moved it meanwhile. */
export async function promoteAfterRelease(spec: ReleaseSpec, version: string, verdict: RegressionVerdict | undefined): Promise<ChannelMoveOutcome[]> {
  if (!spec.promote || !verdict) return [];
  const channel = spec.promote.to;
  if (!verdict.passed) return [{ moved: false, channel, ...(verdict.head ? { version: verdict.head.version } : {}), note: verdict.text }];
  return [await moveChannelAfterRelease(spec.model, channel, version, verdict.text, verdict.head?.version)];
}

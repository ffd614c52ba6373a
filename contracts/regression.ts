/**
 * The regression gate against a channel: the spec's `promote` names a channel and how much worse
 * than the channel's current release the new one may be. Both are measured in the same benchmark
 * step (same test set, same machine), and the channel moves only when every budget holds.
 */
import { LATEST_CHANNEL } from './channels';

export interface RegressionBudgets {
  /** Largest accuracy drop versus the channel's release, in percentage points (default 0). */
  accuracyPoints: number;
  /** Largest growth of model.tflite, in percent; unchecked when absent. */
  sizePercent?: number;
  /** Largest growth of p50 latency, in percent; unchecked when absent. */
  p50Percent?: number;
}

export interface PromoteSpec {
  /** The channel to move when the release is not worse than what it points at (not `latest`). */
  to: string;
  ifNotWorseThan: RegressionBudgets;
}

export const DEFAULT_REGRESSION_BUDGETS: RegressionBudgets = { accuracyPoints: 0 };

/** The figures of one release compared: measured now, in this run. */
export interface ComparedFigures {
  version: string;
  variant: string;
  accuracy: number;
  bytes: number;
  p50Ms: number;
}

export interface RegressionVerdict {
  channel: string;
  /** What the channel pointed at when it was measured (absent: the channel was empty). */
  head?: ComparedFigures;
  candidate: ComparedFigures;
  passed: boolean;
  /** `stable stays at v5: accuracy 97.10% vs 97.46% (-0.36 points, budget 0.2)` or `stable v5 -> v6: ...`. */
  text: string;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export function judgeRegression(promote: PromoteSpec, candidate: ComparedFigures, head: ComparedFigures | undefined): RegressionVerdict {
  const { to } = promote;
  if (!head) return { channel: to, candidate, passed: true, text: `${to} had no release: set to ${candidate.version}` };
  const b = promote.ifNotWorseThan;
  const checks: Array<{ ok: boolean; text: string }> = [];
  const points = (candidate.accuracy - head.accuracy) * 100;
  // A small epsilon: equal accuracies computed from the same counts must not fail a 0 budget.
  checks.push({ ok: -points <= b.accuracyPoints + 1e-9, text: `accuracy ${pct(candidate.accuracy)} vs ${pct(head.accuracy)} (${signed(points, 2)} points, budget ${b.accuracyPoints})` });
  if (b.sizePercent !== undefined) {
    const growth = ((candidate.bytes - head.bytes) / head.bytes) * 100;
    checks.push({ ok: growth <= b.sizePercent + 1e-9, text: `size ${kib(candidate.bytes)} vs ${kib(head.bytes)} (${signed(growth, 1)}%, budget ${b.sizePercent}%)` });
  }
  if (b.p50Percent !== undefined) {
    const growth = ((candidate.p50Ms - head.p50Ms) / head.p50Ms) * 100;
    checks.push({ ok: growth <= b.p50Percent + 1e-9, text: `p50 ${candidate.p50Ms.toFixed(3)} vs ${head.p50Ms.toFixed(3)} ms (${signed(growth, 1)}%, budget ${b.p50Percent}%)` });
  }
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) return { channel: to, head, candidate, passed: false, text: `${to} stays at ${head.version}: ${failed.map((c) => c.text).join('; ')}` };
  return { channel: to, head, candidate, passed: true, text: `${to} ${head.version} -> ${candidate.version}: ${checks.map((c) => c.text).join('; ')}` };
}

/** Problems with a `promote` section, as [path, message] pairs (validated with the rest of the spec). */
export function promoteProblems(raw: unknown, channelProblem: (name: string) => string | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [['promote', 'must be an object like { "to": "stable", "ifNotWorseThan": { "accuracyPoints": 0.2 } }']];
  const p = raw as Record<string, unknown>;
  for (const k of Object.keys(p)) if (!['to', 'ifNotWorseThan'].includes(k)) out.push([`promote.${k}`, 'unknown field; allowed fields: to, ifNotWorseThan']);
  if (typeof p.to !== 'string') out.push(['promote.to', 'must name a channel, e.g. "stable"']);
  else if (p.to === LATEST_CHANNEL) out.push(['promote.to', '"latest" moves to every release by itself; name another channel, e.g. "stable"']);
  else if (channelProblem(p.to)) out.push(['promote.to', channelProblem(p.to)!]);
  if (p.ifNotWorseThan !== undefined) {
    const b = p.ifNotWorseThan;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) out.push(['promote.ifNotWorseThan', 'must be an object with accuracyPoints, sizePercent, p50Percent']);
    else {
      for (const [k, v] of Object.entries(b)) {
        if (!['accuracyPoints', 'sizePercent', 'p50Percent'].includes(k)) out.push([`promote.ifNotWorseThan.${k}`, 'unknown field; allowed fields: accuracyPoints, sizePercent, p50Percent']);
        else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1000) out.push([`promote.ifNotWorseThan.${k}`, `must be a number between 0 and 1000, got ${JSON.stringify(v)}`]);
      }
    }
  }
  return out;
}

/** A valid `promote` section with defaults filled in (call after promoteProblems found nothing). */
export function promoteSpecOf(raw: { to: string; ifNotWorseThan?: Partial<RegressionBudgets> }): PromoteSpec {
  return { to: raw.to, ifNotWorseThan: { ...DEFAULT_REGRESSION_BUDGETS, ...(raw.ifNotWorseThan ?? {}) } };
}

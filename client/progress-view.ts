/**
 * Renders run snapshots. On a terminal the step table is redrawn in place; in a log (CI, pipes)
 * a line is printed only when something changes, and training progress at most every 10 s.
 */
import { STEP_ORDER, type StepState } from '../contracts';
import type { RunSnapshot } from './follow-run';

const MARK: Record<StepState['status'], string> = { pending: '·', running: '▸', done: '✓', failed: '✗', skipped: '-' };

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${(ms / 1000).toFixed(1)}s`;
}

function trainingLine(snap: RunSnapshot): string {
  const t = snap.training;
  if (!t) return 'starting';
  const metrics = [
    t.loss !== undefined ? `loss ${t.loss.toFixed(4)}` : '',
    t.accuracy !== undefined ? `acc ${t.accuracy.toFixed(4)}` : '',
    t.sparsity !== undefined ? `sparsity ${(t.sparsity * 100).toFixed(1)}%` : '',
  ]
    .filter(Boolean)
    .join('  ');
  const batch = t.batchesPerEpoch > 0 ? `  batch ${t.batch}/${t.batchesPerEpoch}` : '';
  const checkpoint = t.checkpoint ? `  (checkpoint: epoch ${t.checkpoint.epoch})` : '';
  return `epoch ${Math.min(t.epoch + 1, t.epochs)}/${t.epochs}${batch}  ${metrics}${checkpoint}`;
}

export function stepLines(snap: RunSnapshot): string[] {
  const steps = snap.progress?.steps;
  if (!steps) return ['  waiting for the workflow to start'];
  return STEP_ORDER.map((name) => {
    const s = steps[name];
    const time = s.durationMs !== undefined ? formatDuration(s.durationMs) : s.status === 'running' && s.startedAt ? '…' : '';
    let detail = s.summary ?? '';
    if (s.status === 'running' && (name === 'train' || name === 'prune')) detail = trainingLine(snap);
    if (s.status === 'running' && snap.retry?.activity === name) {
      // An absolute time, so a log line does not change (and print again) every second of the wait.
      const next = snap.retry.nextAttemptAt;
      const wait = next !== undefined ? `; next try at ${new Date(next).toISOString().slice(11, 19)} UTC` : '';
      detail += `  (attempt ${snap.retry.attempt}${snap.retry.lastFailure ? `: ${snap.retry.lastFailure}` : ''}${wait})`;
    }
    return `  ${MARK[s.status]} ${name.padEnd(12)} ${time.padStart(7)}  ${detail}`.trimEnd();
  });
}

export function createProgressRenderer(write: (s: string) => void, isTTY: boolean): (snap: RunSnapshot) => void {
  let drawn = 0;
  const printed = new Map<number, string>();
  let lastTrainingLog = 0;
  return (snap) => {
    const lines = stepLines(snap);
    if (isTTY) {
      const header = `  elapsed ${formatDuration(snap.elapsedMs)}`;
      write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${header}\n${lines.join('\n')}\n`);
      drawn = lines.length + 1;
      return;
    }
    lines.forEach((line, i) => {
      if (line.startsWith(`  ${MARK.pending}`) || printed.get(i) === line) return;
      const isLiveTraining = line.startsWith(`  ${MARK.running} train`) || line.startsWith(`  ${MARK.running} prune`);
      if (isLiveTraining && printed.has(i) && Date.now() - lastTrainingLog < 10_000) return;
      if (isLiveTraining) lastTrainingLog = Date.now();
      printed.set(i, line);
      write(`${line}${isLiveTraining ? `  [${formatDuration(snap.elapsedMs)}]` : ''}\n`);
    });
  };
}

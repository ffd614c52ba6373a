/**
 * The Markdown the Temporal UI shows as the run's "current details": the step table the CLI draws
 * (status, time, one-line summary), the live training line while training, and at the end the
 * gate's verdict per variant. Pure: a function of the workflow's progress, re-rendered on change.
 */
import { STEP_ORDER, type ReleaseProgress, type StepState, type TrainingProgressUpdate, type VariantSelection } from '../contracts';

const STATUS: Record<StepState['status'], string> = {
  pending: '· pending',
  running: '▸ running',
  done: '✓ done',
  failed: '✗ failed',
  skipped: '– skipped',
};

/** One table cell: no pipes or line breaks (they would end the cell). The UI itself renders no raw HTML. */
export function markdownCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function trainingLine(t: TrainingProgressUpdate): string {
  const parts = [`epoch ${Math.min(t.epoch + 1, t.epochs)}/${t.epochs}`];
  if (t.batchesPerEpoch > 0) parts.push(`batch ${t.batch}/${t.batchesPerEpoch}`);
  if (t.loss !== undefined) parts.push(`loss ${t.loss.toFixed(4)}`);
  if (t.accuracy !== undefined) parts.push(`acc ${t.accuracy.toFixed(4)}`);
  if (t.sparsity !== undefined) parts.push(`sparsity ${(t.sparsity * 100).toFixed(1)}%`);
  return parts.join('  ');
}

function stepRow(name: string, state: StepState, now: number, live: TrainingProgressUpdate | undefined): string {
  const elapsed = state.durationMs ?? (state.status === 'running' && state.startedAt !== undefined ? now - state.startedAt : undefined);
  const summary = state.status === 'running' && live ? trainingLine(live) : (state.summary ?? '');
  return `| ${name} | ${STATUS[state.status]} | ${elapsed === undefined ? '' : formatDuration(elapsed)} | ${markdownCell(summary)} |`;
}

function gateSection(selection: VariantSelection): string[] {
  const lines = ['', `**Gate:** ${markdownCell(selection.chosen ? `${selection.chosen} chosen. ${selection.explanation}` : selection.explanation)}`, ''];
  lines.push('| variant | verdict | reasons and notes |', '|---|---|---|');
  for (const v of selection.verdicts) {
    const words = [...v.reasons, ...v.notes].join('; ');
    const verdict = v.variant === selection.chosen ? '**chosen**' : v.passed ? 'pass' : 'fail';
    lines.push(`| ${v.variant} | ${verdict} | ${markdownCell(words)} |`);
  }
  return lines;
}

export interface DetailsInput {
  progress: ReleaseProgress;
  now: number;
  live?: TrainingProgressUpdate;
  selection?: VariantSelection;
  /** The last line: what was published, or why the run stopped. */
  outcome?: string;
}

export function currentDetails({ progress, now, live, selection, outcome }: DetailsInput): string {
  const lines = [`**Release of ${markdownCell(progress.model)}**${progress.current ? `: ${progress.current}` : ''}`, ''];
  lines.push('| step | status | time | summary |', '|---|---|---|---|');
  for (const name of STEP_ORDER) lines.push(stepRow(name, progress.steps[name], now, name === progress.current ? live : undefined));
  if (selection) lines.push(...gateSection(selection));
  if (outcome) lines.push('', markdownCell(outcome));
  return lines.join('\n');
}

/** How a run ended, from its result or its failure: the outcome line, its exit code, the unchanged summary. */
import type { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, OUTCOMES, type ReleaseResult, type RunOutcome, type UnchangedResult } from '../contracts';
import { EXIT_CODE_BY_OUTCOME, type ExitCode } from './exit-codes';
import { exitCodeForRunFailure } from './run-exit-code';

export type RunResult = ReleaseResult | UnchangedResult;

export const isUnchanged = (r: RunResult): r is UnchangedResult => 'unchanged' in r;

export function outcomeOfResult(r: RunResult): RunOutcome {
  return r.outcome ?? { label: OUTCOMES.released, text: OUTCOMES.released };
}

/** A gate that passed no variant is "rejected by gate"; anything else "failed". */
export function outcomeOfFailure(err: WorkflowFailedError): RunOutcome {
  let cause: unknown = err.cause;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure && cause.type === FailureType.gateFailed) return { label: OUTCOMES.rejectedByGate, text: `rejected by gate: ${cause.message}` };
    cause = (cause as Error & { cause?: unknown }).cause;
  }
  return { label: OUTCOMES.failed, text: OUTCOMES.failed };
}

export const exitCodeOf = (outcome: RunOutcome): ExitCode => EXIT_CODE_BY_OUTCOME[outcome.label];

/** A failed run: a gate rejection has its own code; any other failure takes its failure type's. */
export const exitCodeOfFailedRun = (outcome: RunOutcome, err: unknown): ExitCode =>
  outcome.label === OUTCOMES.failed ? exitCodeForRunFailure(err) : exitCodeOf(outcome);

export function formatUnchanged(r: UnchangedResult): string {
  return [
    '',
    `${r.model}: ${r.outcome.text}`,
    `  no new version; ${r.model} ${r.version} is the release for this recipe (key ${r.recipe.key.slice(0, 12)})`,
    ...r.notes.map((n) => `  note: ${n}`),
    `  run with --force to release again anyway`,
    '',
  ].join('\n');
}

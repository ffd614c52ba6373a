/** The exit code of a run that did not complete, from the failure chain Temporal hands back. */
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { ExitCode, EXIT_CODE_BY_FAILURE, exitCodeForFailureType } from './exit-codes';

/**
 * Walks the causes outermost first: cancellation, termination and workflow timeouts end as
 * `cancelled`; otherwise the first ApplicationFailure whose type liteship knows decides (a failure
 * crosses Temporal as its type string, so the type is what identifies it here).
 */
export function exitCodeForRunFailure(err: unknown): ExitCode {
  for (let cause: unknown = err, depth = 0; cause instanceof Error && depth < 20; depth++) {
    if (cause instanceof CancelledFailure || cause instanceof TerminatedFailure) return ExitCode.cancelled;
    if (cause instanceof TimeoutFailure && depth <= 1) return ExitCode.cancelled;
    if (cause instanceof ApplicationFailure && cause.type && cause.type in EXIT_CODE_BY_FAILURE) return exitCodeForFailureType(cause.type);
    cause = cause.cause;
  }
  return ExitCode.failed;
}

/**
 * The CLI's exit codes, in one place (documented in the README's "Exit codes" section).
 * A command's code follows how it ended: the outcome of a run, or the failure type of the
 * error that stopped it (contracts/errors.ts). Scripts can branch on them; `--json` gives details.
 */
import { failureOf, FailureType, type OutcomeLabel } from '../contracts';

export const ExitCode = {
  /** Done: released, or the command did what it was asked. */
  ok: 0,
  /** The run or command failed for a reason without a code of its own (the reasons are printed). */
  failed: 1,
  /** The command line is wrong: unknown command or option, missing argument, invalid name. */
  usage: 2,
  /** An input is invalid: the spec, a dataset, a model or release file, a configuration value. */
  invalidInput: 3,
  /** The model could not be trained, converted or verified as asked (diverged, unsupported layer, parity). */
  modelProblem: 4,
  /** The run finished but no variant passed the gate: nothing was released. */
  rejectedByGate: 5,
  /** The release version (or another never-overwritten object) already exists. */
  alreadyExists: 6,
  /** What the command names does not exist: workflow id, release, file. */
  notFound: 7,
  /** Storage refused access (credentials, permissions, missing bucket). */
  accessDenied: 8,
  /** A service could not be reached (Temporal, storage), or another writer got there first: try again. */
  unavailable: 9,
  /** The local stack or a prerequisite is not usable (binary missing, port in use). */
  environment: 10,
  /** The run was cancelled, terminated or timed out. */
  cancelled: 11,
  /** A release was published but the channel its spec promotes to was not moved (a budget against it did not hold). */
  channelNotMoved: 12,
  /** The recipe matched a published release: nothing was trained or published (\`run --force\` releases anyway). */
  unchanged: 13,
  /** A bug in liteship: an error nothing describes ("unexpected error"); please report it. */
  internalError: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Every failure type has a code; the compiler insists when a type is added. */
export const EXIT_CODE_BY_FAILURE: Record<FailureType, ExitCode> = {
  [FailureType.invalidSpec]: ExitCode.invalidInput,
  [FailureType.invalidDataset]: ExitCode.invalidInput,
  [FailureType.invalidConfig]: ExitCode.invalidInput,
  [FailureType.corruptArtifact]: ExitCode.invalidInput,
  [FailureType.unsupportedModel]: ExitCode.modelProblem,
  [FailureType.accuracyParity]: ExitCode.modelProblem,
  [FailureType.trainingDiverged]: ExitCode.modelProblem,
  [FailureType.backendUnavailable]: ExitCode.environment,
  [FailureType.gateFailed]: ExitCode.rejectedByGate,
  [FailureType.versionExists]: ExitCode.alreadyExists,
  [FailureType.alreadyExists]: ExitCode.alreadyExists,
  [FailureType.concurrentChange]: ExitCode.unavailable,
  [FailureType.notFound]: ExitCode.notFound,
  [FailureType.storageAccess]: ExitCode.accessDenied,
  [FailureType.storageUnreachable]: ExitCode.unavailable,
  [FailureType.serviceUnavailable]: ExitCode.unavailable,
  [FailureType.localStack]: ExitCode.environment,
  [FailureType.usage]: ExitCode.usage,
};

/**
 * Run outcomes (contracts/outcome.ts) and their codes, each its own so a script can tell them apart:
 * released 0, a release whose channel did not move 12, unchanged 13, a gate rejection 5; a failed
 * run takes the code of its failure type (exitCodeForFailureType), or 1.
 */
export const EXIT_CODE_BY_OUTCOME: Record<OutcomeLabel, ExitCode> = {
  released: ExitCode.ok,
  unchanged: ExitCode.unchanged,
  'released (channel not moved)': ExitCode.channelNotMoved,
  'rejected by gate': ExitCode.rejectedByGate,
  failed: ExitCode.failed,
};

/** The code for a failure type string (as carried by an ApplicationFailure), or `failed` when unknown. */
export function exitCodeForFailureType(type: string | undefined | null): ExitCode {
  if (!type || !Object.prototype.hasOwnProperty.call(EXIT_CODE_BY_FAILURE, type)) return ExitCode.failed;
  return (EXIT_CODE_BY_FAILURE as Record<string, ExitCode>)[type] ?? ExitCode.failed;
}

/** The code for an error the CLI caught, or undefined when no liteship class describes it. */
export function exitCodeForError(err: unknown): ExitCode | undefined {
  const failure = failureOf(err);
  return failure ? EXIT_CODE_BY_FAILURE[failure.type] : undefined;
}

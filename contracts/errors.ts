/**
 * Failure types: the `type` of every ApplicationFailure liteship raises, and the kinds of failure
 * the CLI turns into exit codes (client/exit-codes.ts).
 *
 * Each error class declares what it is with a plain static descriptor,
 *
 *   class DatasetError extends Error {
 *     static readonly failure: FailureDeclaration = { type: FailureType.invalidDataset, retryable: false };
 *   }
 *
 * and `failureOf(err)` finds the nearest declaration up the class chain, so a subclass inherits its
 * parent's unless it declares its own. Library code (ml/, tflite/) declares without knowing Temporal;
 * activities/failures.ts turns the descriptor into an ApplicationFailure.
 */
export const FailureType = {
  invalidSpec: 'InvalidSpec',
  invalidDataset: 'InvalidDataset',
  /** A configuration value (environment variable, profile) is wrong. */
  invalidConfig: 'InvalidConfig',
  unsupportedModel: 'UnsupportedModel',
  accuracyParity: 'AccuracyParityFailed',
  storageAccess: 'StorageAccessDenied',
  storageUnreachable: 'StorageUnreachable',
  versionExists: 'ReleaseVersionExists',
  corruptArtifact: 'CorruptArtifact',
  /** An object that is never overwritten already exists (a conditional write lost). */
  alreadyExists: 'AlreadyExists',
  /** An object changed since it was read (an ifMatch write lost to another writer); a fresh attempt can succeed. */
  concurrentChange: 'ConcurrentChange',
  gateFailed: 'NoVariantPassedGate',
  trainingDiverged: 'TrainingDiverged',
  /** The training backend a spec asks for cannot run on this worker. */
  backendUnavailable: 'BackendUnavailable',
  /** CLI only: a command line the CLI cannot use (unknown option, missing argument, bad name). */
  usage: 'Usage',
  /** What was named does not exist (workflow id, release, file, object). */
  notFound: 'NotFound',
  /** CLI only: a service could not be reached (Temporal); trying again later may work. */
  serviceUnavailable: 'ServiceUnavailable',
  /** The local stack or a prerequisite (binary, port, credentials file) is not usable. */
  localStack: 'LocalStack',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** What an error is, and whether trying the same thing again can help. */
export interface FailureDescriptor {
  readonly type: FailureType;
  readonly retryable: boolean;
}

/** A class's declaration: one descriptor, or one chosen from the instance (e.g. by its `problem`). */
export type FailureDeclaration = FailureDescriptor | ((error: Error) => FailureDescriptor);

/**
 * The failure an error declares, from its own class or the nearest ancestor that declares one;
 * undefined for errors no liteship class describes (a bug, or a third-party error).
 */
export function failureOf(err: unknown): FailureDescriptor | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  for (let proto: unknown = Object.getPrototypeOf(err); proto !== null && typeof proto === 'object'; proto = Object.getPrototypeOf(proto)) {
    const ctor = (proto as { constructor?: unknown }).constructor;
    if (typeof ctor !== 'function' || !Object.prototype.hasOwnProperty.call(ctor, 'failure')) continue;
    const declared = (ctor as unknown as { failure: FailureDeclaration }).failure;
    return typeof declared === 'function' ? declared(err as Error) : declared;
  }
  return undefined;
}

/**
 * Types no retry can fix, whoever raises them: the retry policy's `nonRetryableErrorTypes`.
 * (A descriptor with `retryable: false` makes its own failure non-retryable; this list also covers
 * failures raised directly with ApplicationFailure.) CorruptArtifact is absent: a torn read of an
 * artifact is retried, a file that is not a model is declared non-retryable by its class.
 */
export const NON_RETRYABLE_FAILURES: FailureType[] = [
  FailureType.invalidSpec,
  FailureType.invalidDataset,
  FailureType.invalidConfig,
  FailureType.unsupportedModel,
  FailureType.accuracyParity,
  FailureType.storageAccess,
  FailureType.versionExists,
  FailureType.trainingDiverged,
  FailureType.gateFailed,
  FailureType.backendUnavailable,
];

/**
 * Maps library errors to Temporal failures. Library code knows nothing of Temporal; here its
 * typed errors (matched by `name`, which survives module realms) become non-retryable failures
 * when retrying cannot help, keeping the library's message, which says what to fix.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../contracts';

const NON_RETRYABLE_BY_ERROR_NAME: Record<string, FailureType> = {
  SpecValidationError: FailureType.invalidSpec,
  DatasetError: FailureType.invalidDataset,
  UnsupportedLayerError: FailureType.unsupportedModel,
  UnsupportedModelError: FailureType.unsupportedModel,
  ConversionError: FailureType.unsupportedModel,
  AccuracyParityError: FailureType.accuracyParity,
  ReleaseVersionExistsError: FailureType.versionExists,
  // Training is deterministic: a diverged run diverges again.
  TrainingDivergedError: FailureType.trainingDiverged,
  ModelFormatError: FailureType.corruptArtifact,
  Int8QuantizationError: FailureType.unsupportedModel,
  Float16OverflowError: FailureType.unsupportedModel,
  VariantOptionsError: FailureType.unsupportedModel,
  // The spec's architecture cannot be built or would not convert: fix the spec.
  ArchitectureError: FailureType.unsupportedModel,
};

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure || !(err instanceof Error)) return err;
  const nonRetryable = NON_RETRYABLE_BY_ERROR_NAME[err.name];
  if (nonRetryable) return ApplicationFailure.create({ message: err.message, type: nonRetryable, nonRetryable: true, cause: err });
  if (err.name === 'StorageAccessError') {
    // Wrong credentials or a missing bucket will not fix themselves; a network blip might.
    const problem = (err as Error & { problem?: string }).problem;
    const unreachable = problem === 'unreachable' || problem === 'timeout';
    return ApplicationFailure.create({
      message: err.message,
      type: unreachable ? FailureType.storageUnreachable : FailureType.storageAccess,
      nonRetryable: !unreachable,
      cause: err,
    });
  }
  return err;
}

/** Wraps every activity of a record so library errors surface with the right failure type. */
export function withFailureMapping<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toActivityFailure(err);
      }
    };
  }
  return wrapped as T;
}

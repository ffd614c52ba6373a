/** Errors the CLI raises itself; each says what is wrong and what to do, and declares its failure type. */
import { FailureType, type FailureDeclaration } from '../contracts';

/** What the command names (a workflow id, a release, a file) does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  static readonly failure: FailureDeclaration = { type: FailureType.notFound, retryable: false };
}

/** A file's content is not what it must be (a tampered download, a truncated model): do not use it. */
export class CorruptFileError extends Error {
  override readonly name = 'CorruptFileError';
  static readonly failure: FailureDeclaration = { type: FailureType.corruptArtifact, retryable: false };
}

/** A service the command needs (Temporal) did not answer; trying again later may work. */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  static readonly failure: FailureDeclaration = { type: FailureType.serviceUnavailable, retryable: true };
}

/** Where a command writes. Commands take this instead of touching process.stdout, so tests can capture it. */
import { FailureType, type FailureDeclaration } from '../contracts/errors';
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export type Command = (argv: string[], io: CommandIO) => Promise<number>;

/** A problem the user can fix: printed as one clear message, without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  static readonly failure: FailureDeclaration = { type: FailureType.usage, retryable: false };
}

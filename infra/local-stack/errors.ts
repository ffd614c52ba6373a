/** Why the local stack could not start, with what to install, set or look at. Printed without a stack trace. */
import { FailureType, type FailureDeclaration } from '../../contracts/errors';
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
  static readonly failure: FailureDeclaration = { type: FailureType.localStack, retryable: false };
  constructor(
    readonly problem: 'missing-prerequisite' | 'port-in-use' | 'install-failed' | 'start-failed' | 'locked',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function portInUse(port: number, envVar: string): LocalStackError {
  return new LocalStackError(
    'port-in-use',
    `port ${port} is in use by another process; stop it or set ${envVar} to a free port`,
  );
}

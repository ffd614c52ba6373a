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

/** `owner`: the state folder of the other liteship stack holding the port, when it is one. */
export function portInUse(port: number, envVar: string, owner?: string): LocalStackError {
  const holder = owner
    ? `the liteship stack of ${owner} (another checkout or state folder); stop it with \`LITESHIP_STATE_DIR=${owner} liteship dev down\` (and its port variables)`
    : 'another process; stop it';
  return new LocalStackError('port-in-use', `port ${port} is in use by ${holder} or set ${envVar} to a free port`);
}

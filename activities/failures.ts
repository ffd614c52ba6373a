/**
 * Maps library errors to Temporal failures. Library code knows nothing of Temporal: its error
 * classes declare a failure descriptor (contracts/errors.ts), found here by walking the class
 * chain, so a subclass is mapped like its parent unless it declares otherwise. The failure keeps
 * the library's message, which says what to fix; errors no class describes stay as they are and
 * are retried by the activity's retry policy.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { failureOf } from '../contracts';

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  const failure = failureOf(err);
  if (!failure) return err;
  const error = err as Error;
  return ApplicationFailure.create({ message: error.message, type: failure.type, nonRetryable: !failure.retryable, cause: error });
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

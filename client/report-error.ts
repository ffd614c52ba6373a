/**
 * How the CLI ends on an error: a problem the user can fix prints as its message alone (no stack
 * trace) with the exit code of its failure type; anything else is a bug in liteship and says so,
 * with the stack only when LITESHIP_DEBUG=1.
 */
import { ExitCode, exitCodeForError } from './exit-codes';
import type { CommandIO } from './io';

export const DEBUG_ENV_VAR = 'LITESHIP_DEBUG';

export function reportError(err: unknown, io: CommandIO, env: NodeJS.ProcessEnv = process.env): number {
  const code = exitCodeForError(err);
  const debug = env[DEBUG_ENV_VAR] === '1' || env[DEBUG_ENV_VAR] === 'true';
  if (code !== undefined) {
    io.stderr(`liteship: ${messageOf(err)}\n`);
    if (debug) io.stderr(`${stackOf(err)}\n`);
    return code;
  }
  io.stderr(
    `liteship: unexpected error: ${firstLine(messageOf(err))}\n` +
      (debug
        ? `${stackOf(err)}\n`
        : `This is a bug in liteship: please report it with the command you ran and the output of the same command with ${DEBUG_ENV_VAR}=1 (which adds the stack trace).\n`),
  );
  return ExitCode.internalError;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** The stack with every cause's stack under it. */
function stackOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
    if (e !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}

/** `liteship worker [--queue pipeline|training|all]`: run workers in the foreground (real deployments, local dev). */
import { parseRoles, runWorkers } from '../../worker';
import { parseArgs, usageError } from '../args';
import type { CommandIO } from '../io';

const USAGE = `liteship worker [--queue pipeline|training|all]
Runs workers in the foreground until SIGINT/SIGTERM (for real deployments; \`liteship run\` starts
local ones itself). Connects with the same environment as the CLI.

Options:
  --queue <role>   pipeline (workflows, data, convert, benchmark, publish), training (train, evaluate,
                   prune) or all (default)`;

export async function workerCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { string: ['queue'] }, USAGE);
  let roles;
  try {
    roles = parseRoles(args.flags.queue === true ? undefined : args.flags.queue);
  } catch (err) {
    throw usageError((err as Error).message, USAGE);
  }
  // The Temporal runtime shuts the workers down gracefully on SIGINT/SIGTERM.
  await runWorkers(roles, { log: (line) => io.stderr(`[worker ${roles.join('+')}] ${line}\n`) });
  return 0;
}

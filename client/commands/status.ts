/** `liteship status <workflow-id>`: where a run is, or how it ended. */
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ReleaseResult } from '../../contracts';
import { parseArgs, usageError } from '../args';
import { openEnvironment } from '../environment';
import { NotFoundError } from '../errors';
import { ExitCode } from '../exit-codes';
import type { CommandIO } from '../io';
import { exitCodeForRunFailure } from '../run-exit-code';
import { stepLines } from '../progress-view';
import { progressQuery } from '../../workflows/queries';
import { failureChain, formatSummary } from '../summary';

const USAGE = `liteship status <workflow-id> [--json]
Shows where a run is (its steps and their timings) or how it ended: the release summary, or why it failed.
The exit code follows the run: 0 completed or still running, otherwise as for \`liteship run\`.

Options:
  --json   status, progress, result or failure reasons as JSON`;

export async function statusCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [workflowId, ...extra] = args.positionals;
  if (!workflowId || extra.length > 0) throw usageError('expected one workflow id', USAGE);
  const env = await openEnvironment((line) => io.stderr(`${line}\n`));
  try {
    const handle = env.client.workflow.getHandle(workflowId);
    const description = await handle.describe().catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      throw new NotFoundError(
        `no workflow ${JSON.stringify(workflowId)} in namespace ${env.config.temporal.namespace}: check the id (\`liteship run\` prints it; the Temporal UI lists runs)`,
      );
    });
    const status = description.status.name;
    const progress = await handle.query(progressQuery).catch(() => undefined);
    const url = env.workflowUrl(workflowId);
    let result: ReleaseResult | undefined;
    let reasons: string[] | undefined;
    let failedCode: number = ExitCode.failed;
    if (status === 'COMPLETED') result = await handle.result();
    if (status === 'FAILED') {
      reasons = await handle.result().then(
        () => [],
        (err: unknown) => {
          failedCode = exitCodeForRunFailure(err);
          return err instanceof WorkflowFailedError ? failureChain(err) : [String(err)];
        },
      );
    }
    if (args.flags.json) {
      io.stdout(`${JSON.stringify({ workflowId, status, startTime: description.startTime, closeTime: description.closeTime, progress, result, reasons, url }, null, 2)}\n`);
    } else {
      io.stdout(`${workflowId}: ${status}${url ? `  (${url})` : ''}\n`);
      io.stdout(`${stepLines({ progress, elapsedMs: 0 }).join('\n')}\n`);
      if (result) io.stdout(formatSummary(result));
      if (reasons) io.stdout(`failed:\n${reasons.map((r) => `  ${r}`).join('\n')}\n`);
    }
    if (status === 'FAILED') return failedCode;
    return status === 'TERMINATED' || status === 'TIMED_OUT' || status === 'CANCELLED' ? ExitCode.cancelled : ExitCode.ok;
  } finally {
    await env.close();
  }
}

/** `liteship status <workflow-id>`: where a run is, or how it ended. */
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { modelNameArg, parseArgs, usageError } from '../args';
import { openEnvironment } from '../environment';
import { NotFoundError } from '../errors';
import { ExitCode } from '../exit-codes';
import type { CommandIO } from '../io';
import { exitCodeForRunFailure } from '../run-exit-code';
import { stepLines } from '../progress-view';
import { progressQuery } from '../../workflows/queries';
import { failureChain, formatSummary } from '../summary';
import type { RunOutcome } from '../../contracts';
import { exitCodeOf, formatUnchanged, isUnchanged, outcomeOfFailure, outcomeOfResult, type RunResult } from '../outcome-view';
import type { ObjectStore } from '../../infra/object-store';
import { readManifest, resolveVersion } from '../release-catalog';

/** The workflow that made the release a version or channel names. */
async function workflowOfRelease(store: ObjectStore, model: string, versionOrChannel: string): Promise<string> {
  const { version } = await resolveVersion(store, model, versionOrChannel);
  const manifest = await readManifest(store, model, version);
  if (!manifest) throw new NotFoundError(`${model} ${version} has no manifest: it was never released (see \`liteship releases ${model}\`)`);
  return manifest.workflow.workflowId;
}

const USAGE = `liteship status <workflow-id> | <model> <version|channel> [--json]
Shows where a run is (its steps and their timings) or how it ended: the outcome, the release
summary, or why it failed. Give a workflow id, or a model and a version or channel to see the run
that made that release. The exit code follows the run's outcome, as for \`liteship run\` (0 while running).

Options:
  --json   status, outcome, progress, result or failure reasons as JSON`;

export async function statusCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [first, second, ...extra] = args.positionals;
  if (!first || extra.length > 0) throw usageError('expected a workflow id, or a model and a version or channel', USAGE);
  if (second) modelNameArg(first, USAGE);
  const env = await openEnvironment((line) => io.stderr(`${line}\n`));
  try {
    const workflowId = second ? await workflowOfRelease(env.store, first, second) : first;
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
    let result: RunResult | undefined;
    let reasons: string[] | undefined;
    let failedCode: number = ExitCode.failed;
    if (status === 'COMPLETED') result = await handle.result();
    let outcome: RunOutcome | undefined;
    if (status === 'FAILED') {
      reasons = await handle.result().then(
        () => [],
        (err: unknown) => {
          failedCode = exitCodeForRunFailure(err);
          if (!(err instanceof WorkflowFailedError)) return [String(err)];
          outcome = outcomeOfFailure(err);
          return failureChain(err);
        },
      );
    }
    if (result) outcome = outcomeOfResult(result);
    if (args.flags.json) {
      io.stdout(`${JSON.stringify({ workflowId, status, outcome, startTime: description.startTime, closeTime: description.closeTime, progress, result, reasons, url }, null, 2)}\n`);
    } else {
      io.stdout(`${workflowId}: ${status}${outcome ? `, ${outcome.text}` : ''}${url ? `  (${url})` : ''}\n`);
      io.stdout(`${stepLines({ progress, elapsedMs: 0 }).join('\n')}\n`);
      if (result) io.stdout(isUnchanged(result) ? formatUnchanged(result) : formatSummary(result));
      if (reasons) io.stdout(`failed:\n${reasons.map((r) => `  ${r}`).join('\n')}\n`);
    }
    if (status === 'FAILED') return outcome?.label === 'rejected by gate' ? exitCodeOf(outcome) : failedCode;
    if (outcome) return exitCodeOf(outcome);
    return status === 'TERMINATED' || status === 'TIMED_OUT' || status === 'CANCELLED' ? ExitCode.cancelled : ExitCode.ok;
  } finally {
    await env.close();
  }
}

/** `liteship status <workflow-id>`: where a run is, or how it ended. */
import { WorkflowFailedError } from '@temporalio/client';
import { parseArgs } from '../args';
import { openEnvironment } from '../environment';
import { UsageError, type CommandIO } from '../io';
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
  if (!manifest) throw new UsageError(`${model} ${version} has no manifest`);
  return manifest.workflow.workflowId;
}

const USAGE = 'liteship status <workflow-id> | <model> <version|channel> [--json]';

export async function statusCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [first, second, ...extra] = args.positionals;
  if (!first || extra.length > 0) throw new UsageError(`expected a workflow id, or a model and a version or channel\nusage: ${USAGE}`);
  const env = await openEnvironment((line) => io.stderr(`${line}\n`));
  try {
    const workflowId = second ? await workflowOfRelease(env.store, first, second) : first;
    const handle = env.client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    const status = description.status.name;
    const progress = await handle.query(progressQuery).catch(() => undefined);
    const url = env.workflowUrl(workflowId);
    let result: RunResult | undefined;
    let reasons: string[] | undefined;
    if (status === 'COMPLETED') result = await handle.result();
    let outcome: RunOutcome | undefined;
    if (status === 'FAILED') {
      reasons = await handle.result().then(() => [], (err: unknown) => {
        if (!(err instanceof WorkflowFailedError)) return [String(err)];
        outcome = outcomeOfFailure(err);
        return failureChain(err);
      });
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
    if (outcome) return exitCodeOf(outcome);
    return status === 'FAILED' || status === 'TERMINATED' || status === 'TIMED_OUT' || status === 'CANCELLED' ? 1 : 0;
  } finally {
    await env.close();
  }
}

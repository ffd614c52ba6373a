/** `liteship run <spec.json>`: start a release workflow and follow it to its summary. */
import { WorkflowFailedError } from '@temporalio/client';
import { PIPELINE_TASK_QUEUE } from '../../contracts';
import { runLabels } from '../run-labels';
import type { releaseModel } from '../../workflows';
import { parseArgs, usageError } from '../args';
import { openEnvironment } from '../environment';
import { followRun } from '../follow-run';
import type { CommandIO } from '../io';
import { ensureLocalWorkers } from '../local-workers';
import { createProgressRenderer } from '../progress-view';
import { loadSpecFile } from '../spec-file';
import { exitCodeOf, exitCodeOfFailedRun, formatUnchanged, isUnchanged, outcomeOfFailure, outcomeOfResult, type RunResult } from '../outcome-view';
import { failureChain, formatSummary } from '../summary';

const USAGE = `liteship run <spec.json> [--force] [--detach] [--json] [--id <workflow-id>]
Starts a release workflow for the spec and follows it to its summary (train, evaluate, prune,
convert, benchmark, select, publish). A run whose recipe (spec, data, code, toolchain) matches a
published release ends at once as "unchanged". Without TEMPORAL_ADDRESS and LITESHIP_S3_BUCKET it
starts the local stack and local workers first. The exit code follows the outcome (README, "Exit codes").

Options:
  --force           release even when an identical release exists
  --detach          start the run and return; follow it with \`liteship status <workflow-id>\`
  --json            print the result (or the failure reasons) as JSON on stdout
  --id <id>         the workflow id to use (default: release-<model>-<time>-<random>)`;

function newWorkflowId(model: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `release-${model}-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function runCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['detach', 'json', 'force'], string: ['id'] }, USAGE);
  const [specPath, ...extra] = args.positionals;
  if (!specPath || extra.length > 0) throw usageError('expected one spec file', USAGE);
  const json = args.flags.json === true;
  const say = (line: string) => io.stderr(`${line}\n`);

  const spec = await loadSpecFile(specPath);
  const env = await openEnvironment(say);
  try {
    if (env.config.temporal.mode === 'local') await ensureLocalWorkers(env.config, env.client, say);
    const workflowId = typeof args.flags.id === 'string' ? args.flags.id : newWorkflowId(spec.model);
    const handle = await env.client.workflow.start<typeof releaseModel>('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId, args: [spec, { force: args.flags.force === true }], ...runLabels(spec, specPath) });
    const url = env.workflowUrl(workflowId);
    say(`started release of ${spec.model}: workflow ${workflowId}${url ? `\n  Temporal UI: ${url}` : ''}`);

    if (args.flags.detach) {
      if (json) io.stdout(`${JSON.stringify({ workflowId, runId: handle.firstExecutionRunId, url })}\n`);
      else say(`detached: follow it with \`liteship status ${workflowId}\``);
      return 0;
    }
    const render = json ? () => undefined : createProgressRenderer((s) => io.stderr(s), process.stderr.isTTY === true);
    try {
      const result = await followRun<RunResult>(handle, render);
      const outcome = outcomeOfResult(result);
      if (json) io.stdout(`${JSON.stringify({ workflowId, status: 'completed', outcome, result }, null, 2)}\n`);
      else io.stdout(isUnchanged(result) ? formatUnchanged(result) : formatSummary(result, url));
      return exitCodeOf(outcome);
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const reasons = failureChain(err);
      const outcome = outcomeOfFailure(err);
      if (json) io.stdout(`${JSON.stringify({ workflowId, status: 'failed', outcome, reasons }, null, 2)}\n`);
      else io.stderr(`\n${outcome.label === 'failed' ? 'release failed' : outcome.label}, nothing was published:\n${reasons.map((r) => `  ${r}`).join('\n')}\n`);
      return exitCodeOfFailedRun(outcome, err);
    }
  } finally {
    await env.close();
  }
}

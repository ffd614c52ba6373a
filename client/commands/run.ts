/** `liteship run <spec.json>`: start a release workflow and follow it to its summary. */
import { WorkflowFailedError } from '@temporalio/client';
import { PIPELINE_TASK_QUEUE } from '../../contracts';
import type { releaseModel } from '../../workflows';
import { parseArgs } from '../args';
import { openEnvironment } from '../environment';
import { followRun } from '../follow-run';
import { UsageError, type CommandIO } from '../io';
import { ensureLocalWorkers } from '../local-workers';
import { createProgressRenderer } from '../progress-view';
import { loadSpecFile } from '../spec-file';
import { exitCodeOf, formatUnchanged, isUnchanged, outcomeOfFailure, outcomeOfResult, type RunResult } from '../outcome-view';
import { failureChain, formatSummary } from '../summary';

const USAGE = 'liteship run <spec.json> [--force] [--detach] [--json] [--id <workflow-id>]';

function newWorkflowId(model: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `release-${model}-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function runCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['detach', 'json', 'force'], string: ['id'] }, USAGE);
  const [specPath, ...extra] = args.positionals;
  if (!specPath || extra.length > 0) throw new UsageError(`expected one spec file\nusage: ${USAGE}`);
  const json = args.flags.json === true;
  const say = (line: string) => io.stderr(`${line}\n`);

  const spec = await loadSpecFile(specPath);
  const env = await openEnvironment(say);
  try {
    if (env.config.temporal.mode === 'local') await ensureLocalWorkers(env.config, env.client, say);
    const workflowId = typeof args.flags.id === 'string' ? args.flags.id : newWorkflowId(spec.model);
    const handle = await env.client.workflow.start<typeof releaseModel>('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId, args: [spec, { force: args.flags.force === true }] });
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
      return exitCodeOf(outcome);
    }
  } finally {
    await env.close();
  }
}

/** `liteship run <spec.json>`: start a release workflow and follow it to its summary. */
import { WorkflowFailedError } from '@temporalio/client';
import { PIPELINE_TASK_QUEUE, type ReleaseResult } from '../../contracts';
import type { releaseModel } from '../../workflows';
import { parseArgs } from '../args';
import { openEnvironment } from '../environment';
import { followRun } from '../follow-run';
import { UsageError, type CommandIO } from '../io';
import { ensureLocalWorkers } from '../local-workers';
import { createProgressRenderer } from '../progress-view';
import { loadSpecFile } from '../spec-file';
import { failureChain, formatSummary } from '../summary';

const USAGE = 'liteship run <spec.json> [--detach] [--json] [--id <workflow-id>]';

function newWorkflowId(model: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `release-${model}-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function runCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['detach', 'json'], string: ['id'] }, USAGE);
  const [specPath, ...extra] = args.positionals;
  if (!specPath || extra.length > 0) throw new UsageError(`expected one spec file\nusage: ${USAGE}`);
  const json = args.flags.json === true;
  const say = (line: string) => io.stderr(`${line}\n`);

  const spec = await loadSpecFile(specPath);
  const env = await openEnvironment(say);
  try {
    if (env.config.temporal.mode === 'local') await ensureLocalWorkers(env.config, env.client, say);
    const workflowId = typeof args.flags.id === 'string' ? args.flags.id : newWorkflowId(spec.model);
    const handle = await env.client.workflow.start<typeof releaseModel>('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId, args: [spec] });
    const url = env.workflowUrl(workflowId);
    say(`started release of ${spec.model}: workflow ${workflowId}${url ? `\n  Temporal UI: ${url}` : ''}`);

    if (args.flags.detach) {
      if (json) io.stdout(`${JSON.stringify({ workflowId, runId: handle.firstExecutionRunId, url })}\n`);
      else say(`detached: follow it with \`liteship status ${workflowId}\``);
      return 0;
    }
    const render = json ? () => undefined : createProgressRenderer((s) => io.stderr(s), process.stderr.isTTY === true);
    try {
      const result = await followRun<ReleaseResult>(handle, render);
      io.stdout(json ? `${JSON.stringify({ workflowId, status: 'completed', result }, null, 2)}\n` : formatSummary(result, url));
      return 0;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const reasons = failureChain(err);
      if (json) io.stdout(`${JSON.stringify({ workflowId, status: 'failed', reasons }, null, 2)}\n`);
      else io.stderr(`\nrelease failed, nothing was published:\n${reasons.map((r) => `  ${r}`).join('\n')}\n`);
      return 1;
    }
  } finally {
    await env.close();
  }
}

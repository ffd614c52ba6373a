/** `liteship status <workflow-id>`: where a run is, or how it ended. */
import { WorkflowFailedError } from '@temporalio/client';
import type { ReleaseResult } from '../../contracts';
import { parseArgs } from '../args';
import { openEnvironment } from '../environment';
import { UsageError, type CommandIO } from '../io';
import { stepLines } from '../progress-view';
import { progressQuery } from '../../workflows/queries';
import { failureChain, formatSummary } from '../summary';
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
    let result: ReleaseResult | undefined;
    let reasons: string[] | undefined;
    if (status === 'COMPLETED') result = await handle.result();
    if (status === 'FAILED') reasons = await handle.result().then(() => [], (err: unknown) => (err instanceof WorkflowFailedError ? failureChain(err) : [String(err)]));
    if (args.flags.json) {
      io.stdout(`${JSON.stringify({ workflowId, status, startTime: description.startTime, closeTime: description.closeTime, progress, result, reasons, url }, null, 2)}\n`);
    } else {
      io.stdout(`${workflowId}: ${status}${url ? `  (${url})` : ''}\n`);
      io.stdout(`${stepLines({ progress, elapsedMs: 0 }).join('\n')}\n`);
      if (result) io.stdout(formatSummary(result));
      if (reasons) io.stdout(`failed:\n${reasons.map((r) => `  ${r}`).join('\n')}\n`);
    }
    return status === 'FAILED' || status === 'TERMINATED' || status === 'TIMED_OUT' ? 1 : 0;
  } finally {
    await env.close();
  }
}

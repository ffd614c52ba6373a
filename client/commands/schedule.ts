/**
 * `liteship schedule create|list|describe|pause|unpause|trigger|delete`: release a spec on a
 * Temporal Schedule. The validated spec travels in the schedule's action (small); its data is read
 * fresh at each run, so new data makes a new release and unchanged data ends `unchanged` in seconds.
 * Overlap policy skip: a run still going when the next is due makes that one skip.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';
import { PIPELINE_TASK_QUEUE, SEARCH_ATTRIBUTES, type ReleaseOptions, type ReleaseSpec } from '../../contracts';
import { HelpRequested, parseArgs, usageError } from '../args';
import { openEnvironment, type LiteshipEnvironment } from '../environment';
import { UsageError, type CommandIO } from '../io';
import { ensureLocalWorkers } from '../local-workers';
import type * as workflows from '../../workflows';
import { checkCron, parseEvery } from '../schedule-spec';
import { loadSpecFile } from '../spec-file';

const USAGE = `liteship schedule create|list|describe|pause|unpause|trigger|delete ...
Releases a spec on a Temporal Schedule: the server starts \`liteship run <spec>\` on time, whether or
not any CLI is running (workers must be). Each run reads the spec's data fresh: new data makes a new
release and moves latest; unchanged data ends "unchanged" in seconds. A run still going when the
next is due makes that one skip (overlap skip); runs missed while the server was down are caught up
within an hour. Watch runs in the Temporal UI (Schedules) or with \`schedule describe\`.

  liteship schedule create <spec.json> (--every <interval> | --cron "<expr>") [--id <id>] [--note "..."]
      --every 1d, 12h, 30m (at least 1m); --cron: five fields, UTC ("0 3 * * 1" = Mondays 03:00);
      --id: the schedule id (default release-<model>); the spec is validated and stored in the schedule
  liteship schedule list [--json]                    every schedule: state, timing, next run
  liteship schedule describe <id> [--json]           next runs and the last runs with their outcomes
  liteship schedule pause|unpause <id> [--note "..."]
  liteship schedule trigger <id>                     run now (skipped if a run is still going)
  liteship schedule delete <id>                      remove it (its runs and releases stay)

Example:
  liteship schedule create specs/mnist.json --every 1d --note "nightly retrain"`;

/** A workflow the worker registers: a typo here fails to compile, not at the scheduled hour. */
type WorkflowName = keyof typeof workflows;

const when = (d: Date | undefined) => (d ? d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

interface CreateRequest {
  specPath: string;
  spec: ReleaseSpec;
  timing: ScheduleSpec;
  /** As the user wrote it (the server keeps cron as calendars). */
  timingText: string;
  scheduleId: string;
  note?: string;
}

/** Everything `schedule create` needs, checked before connecting, so bad input costs nothing. */
async function createRequest(argv: string[]): Promise<CreateRequest> {
  const args = parseArgs(argv, { string: ['every', 'cron', 'id', 'note'] }, USAGE);
  const [specPath, ...extra] = args.positionals;
  if (!specPath || extra.length > 0) throw usageError('expected one spec file', USAGE);
  const { every, cron, id, note } = args.flags;
  if ((every === undefined) === (cron === undefined)) throw usageError('give exactly one of --every or --cron', USAGE);
  const spec: ReleaseSpec = await loadSpecFile(specPath);
  const scheduleId = typeof id === 'string' ? id : `release-${spec.model}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(scheduleId)) throw new UsageError(`invalid --id ${JSON.stringify(scheduleId)}: use letters, digits, dots, dashes, underscores`);
  const timing: ScheduleSpec = typeof every === 'string' ? { intervals: [{ every: `${parseEvery(every)}s` }] } : { cronExpressions: [checkCron(String(cron))] };
  const timingText = typeof every === 'string' ? `every ${every}` : `cron "${String(cron)}" (UTC)`;
  return { specPath, spec, timing, timingText, scheduleId, note: typeof note === 'string' ? note : undefined };
}

async function create(env: LiteshipEnvironment, request: CreateRequest, say: (l: string) => void, io: CommandIO): Promise<number> {
  const { specPath, spec, timing, timingText, scheduleId } = request;
  if (env.config.temporal.mode === 'local') await ensureLocalWorkers(env.config, env.client, say);
  try {
    const handle = await env.client.schedule.create({
      scheduleId,
      spec: timing,
      action: {
        type: 'startWorkflow',
        workflowType: 'releaseModel' satisfies WorkflowName,
        args: [spec, {} satisfies ReleaseOptions],
        taskQueue: PIPELINE_TASK_QUEUE,
        workflowId: `scheduled-${spec.model}`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { specFile: specPath, model: spec.model, timing: timingText },
      state: { note: request.note ?? `created by liteship schedule create ${specPath}` },
    });
    const next = (await handle.describe()).info.nextActionTimes[0];
    io.stdout(`schedule ${scheduleId}: releases ${spec.model} ${timingText.startsWith('cron') ? `on ${timingText}` : timingText}, overlap skip; next run ${when(next)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) throw new UsageError(`a schedule ${scheduleId} already exists: choose another --id, or \`liteship schedule delete ${scheduleId}\` first`);
    const message = (err as Error).message ?? '';
    if (/invalid.*cron|cron.*invalid|invalid.*spec/i.test(message)) throw new UsageError(`the server rejected the schedule: ${message}`);
    throw err;
  }
}

/**
 * The outcome a finished scheduled run recorded (LiteshipOutcome), or its status. By run id too:
 * the server names scheduled runs by the second they start, so two runs in one second share a
 * workflow id and only the run id tells them apart.
 */
async function outcomeOf(client: Client, workflowId: string, runId: string): Promise<string> {
  try {
    const d = await client.workflow.getHandle(workflowId, runId).describe();
    const outcome = d.searchAttributes[SEARCH_ATTRIBUTES.outcome.name];
    const version = d.searchAttributes[SEARCH_ATTRIBUTES.version.name];
    return Array.isArray(outcome) && outcome.length ? `${String(outcome[0])}${Array.isArray(version) && version.length ? ` ${String(version[0])}` : ''}` : d.status.name.toLowerCase();
  } catch {
    return 'unknown';
  }
}

async function describe(env: LiteshipEnvironment, id: string, json: boolean, io: CommandIO): Promise<number> {
  const d = await env.client.schedule.getHandle(id).describe();
  const recent = await Promise.all(d.info.recentActions.map(async ({ takenAt, action: { workflow } }) => ({
      takenAt,
      workflowId: workflow.workflowId,
      runId: workflow.firstExecutionRunId,
      outcome: await outcomeOf(env.client, workflow.workflowId, workflow.firstExecutionRunId),
    })),
  );
  const timing = String(d.memo?.timing ?? '?');
  if (json) {
    io.stdout(`${JSON.stringify({ scheduleId: id, spec: d.spec, paused: d.state.paused, note: d.state.note, overlap: d.policies.overlap, nextRuns: d.info.nextActionTimes, recent, memo: d.memo }, null, 2)}\n`);
    return 0;
  }
  io.stdout(
    [
      `schedule ${id}: ${d.state.paused ? 'PAUSED' : 'active'}${d.state.note ? ` (${d.state.note})` : ''}`,
      `  spec      ${String(d.memo?.specFile ?? '?')} (model ${String(d.memo?.model ?? '?')}), ${timing}, overlap ${(d.policies.overlap ?? 'SKIP').toLowerCase()}`,
      `  next runs ${d.info.nextActionTimes.slice(0, 3).map(when).join(', ') || '-'}`,
      `  last runs${recent.length ? '' : ' none yet'}`,
      ...recent.slice(-5).map((r) => `    ${when(r.takenAt)}  ${r.outcome.padEnd(12)}  ${r.workflowId}`),
      '',
    ].join('\n'),
  );
  return 0;
}

export async function scheduleCommand(argv: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = argv;
  const say = (line: string) => io.stderr(`${line}\n`);
  if (sub === '--help' || sub === '-h') throw new HelpRequested(USAGE);
  if (!sub) throw usageError('expected a subcommand', USAGE);
  if (!['create', 'list', 'describe', 'pause', 'unpause', 'trigger', 'delete'].includes(sub)) throw usageError(`unknown schedule subcommand ${JSON.stringify(sub)}`, USAGE);
  // Parse before connecting, so a usage error costs nothing.
  const creating = sub === 'create' ? await createRequest(rest) : undefined;
  const args = creating ? undefined : parseArgs(rest, { boolean: ['json'], string: ['note'] }, USAGE);
  const [id, ...extra] = args?.positionals ?? [];
  if (args && sub !== 'list' && (!id || extra.length > 0)) throw usageError('expected one schedule id', USAGE);
  const env = await openEnvironment(say);
  try {
    if (creating) return await create(env, creating, say, io);
    if (sub === 'list') {
      const rows: string[] = [];
      for await (const s of env.client.schedule.list()) {
        const timing = String(s.memo?.timing ?? '');
        rows.push(`${s.scheduleId}  ${s.state.paused ? 'paused' : 'active'}  ${timing}  next ${when(s.info.nextActionTimes[0])}`);
      }
      io.stdout(rows.length ? `${rows.sort().join('\n')}\n` : 'no schedules\n');
      return 0;
    }
    const handle = env.client.schedule.getHandle(id!);
    const note = typeof args?.flags.note === 'string' ? args.flags.note : undefined;
    try {
      switch (sub) {
        case 'describe':
          return await describe(env, id!, args?.flags.json === true, io);
        case 'pause':
          await handle.pause(note ?? 'paused with liteship schedule pause');
          break;
        case 'unpause':
          await handle.unpause(note ?? 'unpaused with liteship schedule unpause');
          break;
        case 'trigger':
          if (env.config.temporal.mode === 'local') await ensureLocalWorkers(env.config, env.client, say);
          await handle.trigger(ScheduleOverlapPolicy.SKIP);
          break;
        case 'delete':
          await handle.delete();
          break;
      }
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) {
        const ids: string[] = [];
        for await (const s of env.client.schedule.list()) ids.push(s.scheduleId);
        throw new UsageError(`no schedule ${JSON.stringify(id)}; schedules: ${ids.sort().join(', ') || 'none'}`);
      }
      throw err;
    }
    io.stdout(`schedule ${id}: ${sub === 'trigger' ? 'triggered (a run starts now, unless one is still going: overlap skip)' : `${sub}d`}\n`);
    return 0;
  } finally {
    await env.close();
  }
}

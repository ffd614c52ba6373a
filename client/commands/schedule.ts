/**
 * `liteship schedule create|list|describe|pause|unpause|trigger|delete`: release a spec on a
 * Temporal Schedule. The validated spec travels in the schedule's action (small); its data is read
 * fresh at each run, so new data makes a new release and unchanged data ends `unchanged` in seconds.
 * Overlap policy skip: a run still going when the next is due makes that one skip.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { PIPELINE_TASK_QUEUE, SEARCH_ATTRIBUTES, type ReleaseOptions, type ReleaseSpec } from '../../contracts';
import { parseArgs } from '../args';
import { openEnvironment, type LiteshipEnvironment } from '../environment';
import { UsageError, type CommandIO } from '../io';
import { ensureLocalWorkers } from '../local-workers';
import { checkCron, parseEvery } from '../schedule-spec';
import { loadSpecFile } from '../spec-file';

const USAGE = `liteship schedule create <spec.json> (--every 1d | --cron "0 3 * * 1") [--id <id>] [--note ...]
       liteship schedule list [--json]
       liteship schedule describe <id> [--json]
       liteship schedule pause|unpause <id> [--note ...]
       liteship schedule trigger <id>
       liteship schedule delete <id>`;

const when = (d: Date | undefined) => (d ? d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

async function create(env: LiteshipEnvironment, argv: string[], say: (l: string) => void, io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { string: ['every', 'cron', 'id', 'note'] }, USAGE);
  const [specPath, ...extra] = args.positionals;
  if (!specPath || extra.length > 0) throw new UsageError(`expected one spec file\nusage: ${USAGE}`);
  const { every, cron } = args.flags;
  if ((every === undefined) === (cron === undefined)) throw new UsageError(`give exactly one of --every or --cron\nusage: ${USAGE}`);
  const spec: ReleaseSpec = await loadSpecFile(specPath);
  const timing = typeof every === 'string' ? { intervals: [{ every: `${parseEvery(every)}s` as const }] } : { cronExpressions: [checkCron(String(cron))] };
  const scheduleId = typeof args.flags.id === 'string' ? args.flags.id : `release-${spec.model}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(scheduleId)) throw new UsageError(`invalid --id ${JSON.stringify(scheduleId)}: use letters, digits, dots, dashes, underscores`);
  if (env.config.temporal.mode === 'local') await ensureLocalWorkers(env.config, env.client, say);
  try {
    const handle = await env.client.schedule.create({
      scheduleId,
      spec: timing,
      action: {
        type: 'startWorkflow',
        workflowType: 'releaseModel',
        args: [spec, {} satisfies ReleaseOptions],
        taskQueue: PIPELINE_TASK_QUEUE,
        workflowId: `scheduled-${spec.model}`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      // The server keeps cron as calendars: remember what the user wrote, to show it back.
      memo: { specFile: specPath, model: spec.model, timing: typeof every === 'string' ? `every ${every}` : `cron "${String(cron)}" (UTC)` },
      state: { note: typeof args.flags.note === 'string' ? args.flags.note : `created by liteship schedule create ${specPath}` },
    });
    const next = (await handle.describe()).info.nextActionTimes[0];
    io.stdout(`schedule ${scheduleId}: releases ${spec.model} ${typeof every === 'string' ? `every ${every}` : `on cron "${String(cron)}" (UTC)`}, overlap skip; next run ${when(next)}\n`);
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
  if (!sub) throw new UsageError(`expected a subcommand\nusage: ${USAGE}`);
  if (!['create', 'list', 'describe', 'pause', 'unpause', 'trigger', 'delete'].includes(sub)) throw new UsageError(`unknown schedule subcommand ${JSON.stringify(sub)}\nusage: ${USAGE}`);
  // Parse before connecting, so a usage error costs nothing.
  const args = sub === 'create' ? undefined : parseArgs(rest, { boolean: ['json'], string: ['note'] }, USAGE);
  const [id, ...extra] = args?.positionals ?? [];
  if (args && sub !== 'list' && (!id || extra.length > 0)) throw new UsageError(`expected one schedule id\nusage: ${USAGE}`);
  const env = await openEnvironment(say);
  try {
    if (sub === 'create') return await create(env, rest, say, io);
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

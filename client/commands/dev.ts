/** `liteship dev up | down | status`: the local Temporal dev server, MinIO and the local workers. */
import { Client, Connection } from '@temporalio/client';
import { connectionOptionsFor, describeConfig, loadConfig, type LiteshipConfig } from '../../infra/config';
import { credentialsFile, ensureLocalStack, localStackStatus, stopLocalStack, type ServerStatus } from '../../infra/local-stack';
import { parseArgs, usageError } from '../args';
import type { CommandIO } from '../io';
import { ensureLocalWorkers, stopLocalWorkersAndWait } from '../local-workers';
import { localWorkersStatus, type LocalWorkersStatus } from '../local-workers-status';
import { superviseLocalWorkers } from '../worker-supervisor';

const USAGE = `liteship dev up|down|status [--servers-only] [--json]
Manages the local stack in the state folder (.liteship/ or LITESHIP_STATE_DIR): a Temporal dev server
with its Web UI, a MinIO server with the release bucket, and the local pipeline and training workers
under a supervisor that starts a worker again when it dies.
  up       start what is not running (and create the bucket)
  down     stop the local workers and servers; the state folder (runs, releases) is kept
  status   what runs where: addresses, pids, worker restarts, logs, UI links

Ports: 7233 (Temporal), 8233 (its UI), 9000 and 9001 (MinIO) unless LITESHIP_TEMPORAL_PORT,
LITESHIP_TEMPORAL_UI_PORT, LITESHIP_S3_PORT, LITESHIP_S3_CONSOLE_PORT say otherwise. When another
checkout's stack holds a port that was not set that way, the next free one 10 above it is used; the
ports in use are recorded in <state folder>/ports.json for every later command.

Options:
  --servers-only   dev up: start the servers but no workers
  --json           machine-readable status`;
const TITLES = { temporal: 'Temporal', minio: 'MinIO' } as const;

export async function devCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json', 'servers-only'] }, USAGE);
  const [action, ...extra] = args.positionals;
  if (extra.length > 0) throw usageError(`unexpected argument ${extra[0]}`, USAGE);
  const json = args.flags.json === true;
  const config = loadConfig();
  switch (action) {
    case 'up': {
      if (config.temporal.mode === 'remote' && config.storage.mode === 'remote') {
        io.stdout(`nothing to start: Temporal and storage are both remote\n${describeConfig(config)}\n`);
        return 0;
      }
      const log = (line: string) => (json ? io.stderr(`${line}\n`) : io.stdout(`  ${line}\n`));
      if (!json) io.stdout(`starting the local stack (state folder ${config.stateDir})\n`);
      const stack = await ensureLocalStack(config, { log });
      if (stack.config.temporal.mode === 'local' && args.flags['servers-only'] !== true) await startWorkers(stack.config, log);
      return printStatus(stack.config, io, json);
    }
    case 'down': {
      // Workers first: they would otherwise log connection errors while the servers go away.
      const workers = await stopLocalWorkersAndWait(config);
      if (!json && workers.length > 0) io.stdout(`stopped local ${workers.join(' and ')} worker${workers.length > 1 ? 's' : ''}\n`);
      const result = await stopLocalStack(config);
      const lines = (['temporal', 'minio'] as const).map((name) => `${TITLES[name]}: ${result[name] === 'remote' ? 'remote, left alone' : result[name]}`);
      io.stdout(json ? `${JSON.stringify({ ...result, workers })}\n` : `${lines.join('\n')}\nstate folder kept: ${config.stateDir}\n`);
      return 0;
    }
    case 'status':
      return printStatus(config, io, json);
    case 'supervise':
      // Internal: the worker supervisor process, started detached by client/local-workers.ts.
      return superviseLocalWorkers(config, (line) => io.stderr(`${new Date().toISOString()} ${line}\n`));
    default:
      throw usageError(action ? `unknown dev action "${action}"` : 'expected up, down or status', USAGE);
  }
}

async function startWorkers(config: LiteshipConfig, log: (line: string) => void): Promise<void> {
  const connection = await Connection.connect(connectionOptionsFor(config));
  try {
    await ensureLocalWorkers(config, new Client({ connection, namespace: config.temporal.namespace }), log);
  } finally {
    await connection.close();
  }
}

async function printStatus(config: LiteshipConfig, io: CommandIO, json: boolean): Promise<number> {
  const status = await localStackStatus(config);
  const workers = localWorkersStatus(config);
  if (json) {
    io.stdout(`${JSON.stringify({ ...status, workers }, null, 2)}\n`);
    return 0;
  }
  const lines = [...status.servers.map(formatServer), ...formatWorkers(workers, config)];
  lines.push(`state folder: ${status.stateDir}`);
  if (config.storage.mode === 'local') lines.push(`MinIO console login: see ${credentialsFile(config.stateDir)}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function formatServer(s: ServerStatus): string {
  const head = `${TITLES[s.name].padEnd(19)}${s.state.padEnd(11)}${s.address}`;
  const parts = [head];
  if (s.pid !== undefined) parts.push(`pid ${s.pid}`);
  if (s.uiUrl) parts.push(`UI ${s.uiUrl}`);
  if (s.logFile && s.mode === 'local') parts.push(`log ${s.logFile}`);
  if (s.detail) parts.push(s.detail);
  return parts.join('  ');
}

function formatWorkers(w: LocalWorkersStatus, config: LiteshipConfig): string[] {
  if (config.temporal.mode === 'remote') return [`${'workers'.padEnd(19)}remote Temporal: run \`liteship worker\` where the workers should run`];
  const lines = [`${'worker supervisor'.padEnd(19)}${w.supervisor ? `running    pid ${w.supervisor.pid}  log ${w.supervisor.logFile}` : 'not running (`liteship dev up` or `liteship run` starts it)'}`];
  for (const r of w.roles) {
    const head = `${`${r.role} worker`.padEnd(19)}${r.state.padEnd(11)}`;
    const parts = [r.pid !== undefined ? `${head}pid ${r.pid}` : head.trimEnd()];
    if (w.supervisor) parts.push(`restarts ${r.restarts}`);
    if (r.lastExit) parts.push(`last exit ${r.lastExit}`);
    parts.push(`log ${r.logFile}`);
    lines.push(parts.join('  '));
  }
  return lines;
}

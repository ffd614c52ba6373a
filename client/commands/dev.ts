/** `liteship dev up | down | status`: the local Temporal dev server and MinIO. */
import { describeConfig, loadConfig, type LiteshipConfig } from '../../infra/config';
import { credentialsFile, ensureLocalStack, localStackStatus, stopLocalStack, type ServerStatus } from '../../infra/local-stack';
import { parseArgs, usageError } from '../args';
import type { CommandIO } from '../io';
import { localWorkerPid, stopLocalWorkers } from '../local-workers';

const USAGE = `liteship dev up|down|status [--json]
Manages the local stack in the state folder (.liteship/ or LITESHIP_STATE_DIR): a Temporal dev server
with its Web UI and a MinIO server with the release bucket.
  up       start what is not running (and create the bucket)
  down     stop the local workers and servers; the state folder (runs, releases) is kept
  status   what runs where: addresses, pids, logs, UI links

Options:
  --json   machine-readable status`;
const TITLES = { temporal: 'Temporal', minio: 'MinIO' } as const;

export async function devCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
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
      if (!json) io.stdout(`starting the local stack (state folder ${config.stateDir})\n`);
      await ensureLocalStack(config, { log: (line) => (json ? io.stderr(`${line}\n`) : io.stdout(`  ${line}\n`)) });
      return printStatus(config, io, json);
    }
    case 'down': {
      // Workers first: they would otherwise log connection errors while the servers go away.
      const workers = stopLocalWorkers(config);
      if (!json && workers.length > 0) io.stdout(`stopped local ${workers.join(' and ')} worker${workers.length > 1 ? 's' : ''}\n`);
      const result = await stopLocalStack(config);
      const lines = (['temporal', 'minio'] as const).map((name) => `${TITLES[name]}: ${result[name] === 'remote' ? 'remote, left alone' : result[name]}`);
      io.stdout(json ? `${JSON.stringify(result)}\n` : `${lines.join('\n')}\nstate folder kept: ${config.stateDir}\n`);
      return 0;
    }
    case 'status':
      return printStatus(config, io, json);
    default:
      throw usageError(action ? `unknown dev action "${action}"` : 'expected up, down or status', USAGE);
  }
}

async function printStatus(config: LiteshipConfig, io: CommandIO, json: boolean): Promise<number> {
  const status = await localStackStatus(config);
  if (json) {
    io.stdout(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  const lines = status.servers.map(formatServer);
  for (const role of ['pipeline', 'training'] as const) {
    const pid = localWorkerPid(config, role);
    lines.push(`${`${role} worker`.padEnd(17)}${pid ? `running  pid ${pid}` : 'not running (started by \`liteship run\`)'}`);
  }
  lines.push(`state folder: ${status.stateDir}`);
  if (config.storage.mode === 'local') lines.push(`MinIO console login: see ${credentialsFile(config.stateDir)}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function formatServer(s: ServerStatus): string {
  const head = `${TITLES[s.name].padEnd(17)}${s.state.padEnd(11)}${s.address}`;
  const parts = [head];
  if (s.pid !== undefined) parts.push(`pid ${s.pid}`);
  if (s.uiUrl) parts.push(`UI ${s.uiUrl}`);
  if (s.logFile && s.mode === 'local') parts.push(`log ${s.logFile}`);
  if (s.detail) parts.push(s.detail);
  return parts.join('  ');
}

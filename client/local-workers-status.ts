/** What `liteship dev status` shows of the local workers: the supervisor, each worker's pid, restarts and last exit. */
import { WORKER_ROLES, type WorkerRole } from '../contracts';
import type { LiteshipConfig } from '../infra/config';
import { isLiteshipProcess, readLegacyWorkerPid, readSupervisor, readSupervisorStatus, supervisorLogPath, workerLogPath } from './local-worker-files';

export interface LocalWorkerStatus {
  role: WorkerRole;
  state: 'running' | 'restarting' | 'not running';
  pid?: number;
  restarts: number;
  /** e.g. "signal SIGKILL at 2026-11-30T07:00:00.000Z". */
  lastExit?: string;
  logFile: string;
}

export interface LocalWorkersStatus {
  supervisor?: { pid: number; startedAt: string; logFile: string };
  roles: LocalWorkerStatus[];
}

export function localWorkersStatus(config: LiteshipConfig): LocalWorkersStatus {
  const supervisor = readSupervisor(config);
  const status = supervisor ? readSupervisorStatus(config) : undefined;
  const roles = WORKER_ROLES.map((role): LocalWorkerStatus => {
    const logFile = workerLogPath(config, role);
    const s = status?.roles[role];
    const exit = s?.lastExit;
    const lastExit = exit ? `${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`} at ${exit.at}${exit.why ? ` (${exit.why})` : ''}` : undefined;
    const base = { role, restarts: s?.restarts ?? 0, logFile, ...(lastExit ? { lastExit } : {}) };
    if (s?.pid !== undefined && isLiteshipProcess(s.pid)) return { ...base, state: 'running', pid: s.pid };
    if (s?.state === 'restarting') return { ...base, state: 'restarting' };
    const legacy = supervisor ? undefined : readLegacyWorkerPid(config, role);
    return legacy !== undefined ? { ...base, state: 'running', pid: legacy } : { ...base, state: 'not running' };
  });
  return { ...(supervisor ? { supervisor: { pid: supervisor.pid, startedAt: supervisor.startedAt, logFile: supervisorLogPath(config) } } : {}), roles };
}

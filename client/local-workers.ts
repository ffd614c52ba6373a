/**
 * Local mode only: make sure the local workers run, from the current code, for the current stack
 * instance, credentials and settings. They run under one supervisor process per state folder
 * (worker-supervisor.ts), detached so a run survives the CLI exiting (`--detach`, Ctrl-C): it starts
 * a worker again when it dies. A supervisor started for anything else is replaced with its workers.
 * Supervisor and workers watch their stack instance and exit within seconds when its servers are
 * gone or replaced.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE_OF_ROLE, WORKER_ROLES, type WorkerRole } from '../contracts';
import type { LiteshipConfig } from '../infra/config';
import { readStackInstance } from '../infra/local-stack';
import { LocalStackError } from '../infra/local-stack/errors';
import { tailFile, withLock } from '../infra/local-stack/processes';
import { repoRoot } from '../infra/paths';
import {
  fingerprintChange,
  isLiteshipProcess,
  launchLockPath,
  legacyWorkerRecordPath,
  readLegacyWorkerPid,
  readSupervisor,
  readSupervisorStatus,
  removeFile,
  STACK_INSTANCE_ENV,
  supervisorLogPath,
  supervisorRecordPath,
  supervisorStatusPath,
  workerFingerprint,
  workerLogPath,
  writeJsonAtomic,
  type SupervisorRecord,
} from './local-worker-files';

export { workerLogPath, STACK_INSTANCE_ENV } from './local-worker-files';

const START_TIMEOUT_MS = 180_000;
const LAUNCH_LOCK_TIMEOUT_MS = 5 * 60_000;
const STOP_GRACE_MS = 15_000;

/** The pid of a running local worker, if any. */
export function localWorkerPid(config: LiteshipConfig, role: WorkerRole): number | undefined {
  const pid = readSupervisor(config) ? readSupervisorStatus(config)?.roles[role]?.pid : undefined;
  return pid !== undefined && isLiteshipProcess(pid) ? pid : readLegacyWorkerPid(config, role);
}

export async function ensureLocalWorkers(config: LiteshipConfig, client: Client, log: (line: string) => void): Promise<void> {
  await withLock(launchLockPath(config), LAUNCH_LOCK_TIMEOUT_MS, async () => {
    await stopAndWait(legacyPids(config), STOP_GRACE_MS); // bare workers started by versions before the supervisor
    const wanted = workerFingerprint(config);
    const current = readSupervisor(config);
    if (current && !fingerprintChange(current.fingerprint, wanted)) return;
    if (current) {
      log(`restarting the local workers: ${fingerprintChange(current.fingerprint, wanted)} since they started`);
      await stopLocalWorkersAndWait(config);
    }
    const instance = readStackInstance(config.stateDir)?.id;
    if (!instance) throw new LocalStackError('start-failed', `no local stack runs in ${config.stateDir}: run \`liteship dev up\``);
    const since = Date.now();
    const record = startSupervisor(config, instance, wanted);
    log(`started the local workers (pipeline, training) under a supervisor that restarts them (pid ${record.pid}; logs in ${path.relative(process.cwd(), path.dirname(workerLogPath(config, 'pipeline'))) || '.'})`);
    try {
      await waitPolling(config, client, since);
    } catch (err) {
      await stopLocalWorkersAndWait(config); // a worker that cannot start would only be restarted in a loop
      throw err;
    }
  });
}

function startSupervisor(config: LiteshipConfig, instance: string, fingerprint: SupervisorRecord['fingerprint']): SupervisorRecord {
  const logFile = supervisorLogPath(config);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'liteship.js'), 'dev', 'supervise'], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, LITESHIP_STATE_DIR: config.stateDir, [STACK_INSTANCE_ENV]: instance },
      cwd: repoRoot(),
    });
    child.unref();
    if (child.pid === undefined) throw new LocalStackError('start-failed', `could not start the local worker supervisor: see ${logFile}`);
    const record: SupervisorRecord = { pid: child.pid, instance, fingerprint, startedAt: new Date().toISOString() };
    writeJsonAtomic(supervisorRecordPath(config), record);
    return record;
  } finally {
    closeSync(fd);
  }
}

/** Until both queues have a poller that polled after `since`; fails fast when a worker or the supervisor exits. */
async function waitPolling(config: LiteshipConfig, client: Client, since: number): Promise<void> {
  const pending = new Set<WorkerRole>(WORKER_ROLES);
  while (pending.size > 0) {
    for (const role of [...pending]) if (await hasPoller(client, config.temporal.namespace, TASK_QUEUE_OF_ROLE[role], since)) pending.delete(role);
    if (pending.size === 0) return;
    if (!readSupervisor(config)) {
      throw new LocalStackError('start-failed', `the local worker supervisor exited while starting; last lines of ${supervisorLogPath(config)}:\n${tailFile(supervisorLogPath(config))}`);
    }
    const status = readSupervisorStatus(config);
    for (const role of pending) {
      if ((status?.roles[role]?.restarts ?? 0) > 0) {
        throw new LocalStackError('start-failed', `the local ${role} worker exited while starting; last lines of ${workerLogPath(config, role)}:\n${tailFile(workerLogPath(config, role))}`);
      }
    }
    if (Date.now() - since > START_TIMEOUT_MS) {
      throw new LocalStackError('start-failed', `the local ${[...pending].join(' and ')} worker did not start polling in ${START_TIMEOUT_MS / 1000} s: see ${workerLogPath(config, [...pending][0]!)}`);
    }
    await sleep(500);
  }
}

async function hasPoller(client: Client, namespace: string, taskQueue: string, since: number): Promise<boolean> {
  const res = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 2 });
  return (res.pollers ?? []).some((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 + Math.floor((p.lastAccessTime?.nanos ?? 0) / 1e6) >= since);
}

function legacyPids(config: LiteshipConfig): number[] {
  const pids = WORKER_ROLES.map((role) => readLegacyWorkerPid(config, role)).filter((pid): pid is number => pid !== undefined);
  for (const role of WORKER_ROLES) removeFile(legacyWorkerRecordPath(config, role));
  return pids;
}

/**
 * Tells the supervisor to stop (it stops its workers) and any worker it left behind; does not wait.
 * Returns the roles whose worker was running.
 */
export function stopLocalWorkers(config: LiteshipConfig): WorkerRole[] {
  return signalStop(config).roles;
}

/** stopLocalWorkers, then waits until supervisor and workers are gone (SIGKILL after a grace period). */
export async function stopLocalWorkersAndWait(config: LiteshipConfig): Promise<WorkerRole[]> {
  const { roles, pids } = signalStop(config);
  await stopAndWait(pids, STOP_GRACE_MS, 'none');
  removeFile(supervisorStatusPath(config));
  return roles;
}

function signalStop(config: LiteshipConfig): { roles: WorkerRole[]; pids: number[] } {
  // Everything that runs is noted before any signal: a worker that is still starting dies at once.
  const supervisor = readSupervisor(config);
  const status = readSupervisorStatus(config);
  const workers = WORKER_ROLES.flatMap((role) => {
    const pid = status?.roles[role]?.pid;
    return pid !== undefined && isLiteshipProcess(pid) ? [{ role, pid }] : [];
  });
  const legacy = legacyPids(config);
  // Removing the pid file first: a supervisor that misses the signal still sees it is no longer wanted.
  removeFile(supervisorRecordPath(config));
  if (supervisor) signal(supervisor.pid, 'SIGTERM');
  // Workers left behind by a supervisor that died; a live supervisor stops its own.
  if (!supervisor) for (const { pid } of workers) signal(pid, 'SIGTERM');
  for (const pid of legacy) signal(pid, 'SIGTERM');
  const pids = [...(supervisor ? [supervisor.pid] : []), ...workers.map((w) => w.pid), ...legacy];
  return { roles: workers.map((w) => w.role), pids };
}

/** SIGTERM (unless already sent), then SIGKILL whatever is still alive after the grace period. */
async function stopAndWait(pids: number[], graceMs: number, first: 'SIGTERM' | 'none' = 'SIGTERM'): Promise<void> {
  if (first === 'SIGTERM') for (const pid of pids) if (isLiteshipProcess(pid)) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some((pid) => isLiteshipProcess(pid)) && Date.now() < deadline) await sleep(200);
  for (const pid of pids) if (isLiteshipProcess(pid)) signal(pid, 'SIGKILL');
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // exited in the meantime
  }
}

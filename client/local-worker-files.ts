/**
 * What the local worker supervisor and the CLI share through the state folder: the supervisor's
 * pid file (its lock: one supervisor per state folder), the status it keeps of its workers, the
 * log files, and the fingerprint of what the workers were started for.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerRole } from '../contracts';
import { codeFingerprint } from '../infra/build-info';
import type { LiteshipConfig } from '../infra/config';
import { credentialsFile, readStackInstance } from '../infra/local-stack';
import { repoRoot } from '../infra/paths';

/** The env var that ties a local worker (and its supervisor) to one stack instance (worker.ts refuses any other). */
export const STACK_INSTANCE_ENV = 'LITESHIP_STACK_INSTANCE';
/** Set for supervised workers: they leave when this pid is no longer their parent. */
export const SUPERVISOR_PID_ENV = 'LITESHIP_SUPERVISOR_PID';

/** What workers were started for; any part changing means they must be replaced. */
export interface WorkerFingerprint {
  /** The code they load. */
  code: string;
  /** The stack instance and its MinIO credentials. */
  stack: string;
  /** The LITESHIP_*, TEMPORAL_* and AWS_* settings they read. */
  settings: string;
}

export interface SupervisorRecord {
  pid: number;
  instance: string;
  fingerprint: WorkerFingerprint;
  startedAt: string;
}

export interface RoleStatus {
  state: 'running' | 'restarting' | 'stopped';
  pid?: number;
  startedAt?: string;
  /** How many times the supervisor started this worker again after it exited. */
  restarts: number;
  lastExit?: { code: number | null; signal: string | null; at: string; why?: string };
  /** When state is 'restarting'. */
  nextStartAt?: string;
}

export interface SupervisorStatus {
  supervisorPid: number;
  updatedAt: string;
  roles: Partial<Record<WorkerRole, RoleStatus>>;
}

const workersDir = (config: LiteshipConfig) => path.join(config.stateDir, 'workers');
export const supervisorRecordPath = (config: LiteshipConfig) => path.join(workersDir(config), 'supervisor.json');
export const supervisorStatusPath = (config: LiteshipConfig) => path.join(workersDir(config), 'status.json');
export const launchLockPath = (config: LiteshipConfig) => path.join(workersDir(config), 'launch.lock');
export const workerLogPath = (config: LiteshipConfig, role: WorkerRole) => path.join(config.stateDir, 'logs', `worker-${role}.log`);
export const supervisorLogPath = (config: LiteshipConfig) => path.join(config.stateDir, 'logs', 'worker-supervisor.log');
/** Where versions before the supervisor recorded bare workers. */
export const legacyWorkerRecordPath = (config: LiteshipConfig, role: WorkerRole) => path.join(config.stateDir, `worker-${role}.json`);

/** A killed process stays a zombie until its parent reaps it; signal 0 still reaches a zombie, so check its state too. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return !existsSync('/proc/self/stat'); // gone just now, or no /proc at all (then signal 0 is the best we have)
  }
}

/** Alive and (where /proc exists) a liteship process, so a recycled pid is never signalled. */
export function isLiteshipProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('liteship');
  } catch {
    return !existsSync('/proc/self/cmdline');
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all: readers never see half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The running supervisor of this state folder, if any. */
export function readSupervisor(config: LiteshipConfig): SupervisorRecord | undefined {
  const record = readJson<SupervisorRecord>(supervisorRecordPath(config));
  return record && typeof record.pid === 'number' && isLiteshipProcess(record.pid) ? record : undefined;
}

export function readSupervisorStatus(config: LiteshipConfig): SupervisorStatus | undefined {
  return readJson<SupervisorStatus>(supervisorStatusPath(config));
}

export function readLegacyWorkerPid(config: LiteshipConfig, role: WorkerRole): number | undefined {
  const pid = readJson<{ pid?: number }>(legacyWorkerRecordPath(config, role))?.pid;
  return typeof pid === 'number' && isLiteshipProcess(pid) ? pid : undefined;
}

export function removeFile(file: string): void {
  rmSync(file, { force: true });
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** The stack part of the fingerprint: its instance and its MinIO credentials (the supervisor re-reads it to notice new credentials). */
export function stackFingerprint(stateDir: string): string {
  let credentials = '';
  try {
    credentials = readFileSync(credentialsFile(stateDir), 'utf8');
  } catch {
    // remote storage, or not created yet
  }
  return hash([readStackInstance(stateDir)?.id, credentials]);
}

export function workerFingerprint(config: LiteshipConfig, env: NodeJS.ProcessEnv = process.env): WorkerFingerprint {
  const own = new Set([STACK_INSTANCE_ENV, SUPERVISOR_PID_ENV]);
  const settings = Object.entries(env)
    .filter(([k]) => (k.startsWith('LITESHIP_') || k.startsWith('TEMPORAL_') || k.startsWith('AWS_')) && !own.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
  return { code: codeFingerprint(repoRoot()), stack: stackFingerprint(config.stateDir), settings: hash(settings) };
}

/** Why workers started for `was` must be replaced to match `now`, or undefined when they match. */
export function fingerprintChange(was: WorkerFingerprint, now: WorkerFingerprint): string | undefined {
  const changes = [
    was.code !== now.code ? 'the code changed' : undefined,
    was.stack !== now.stack ? 'the stack was restarted or its credentials changed' : undefined,
    was.settings !== now.settings ? 'the LITESHIP_*/TEMPORAL_*/AWS_* settings changed' : undefined,
  ].filter((c): c is string => c !== undefined);
  return changes.length > 0 ? changes.join(', ') : undefined;
}

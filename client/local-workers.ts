/**
 * Local mode only: make sure a pipeline worker and a training worker run from the current code,
 * for the current stack instance and credentials. They run detached (a run survives the CLI
 * exiting: `--detach`, Ctrl-C) with pid files and logs in the state folder; a worker started from
 * older code, for servers since restarted, or with other credentials is replaced. Each worker
 * watches its stack instance and exits within seconds when those servers are gone or replaced.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { codeFingerprint } from '../infra/build-info';
import { TASK_QUEUE_OF_ROLE, WORKER_ROLES, type WorkerRole } from '../contracts';
import type { LiteshipConfig } from '../infra/config';
import { LocalStackError } from '../infra/local-stack/errors';
import { credentialsFile, readStackInstance } from '../infra/local-stack';
import { repoRoot } from '../infra/paths';

const START_TIMEOUT_MS = 180_000;

interface WorkerRecord {
  pid: number;
  fingerprint: string;
  startedAt: string;
}

const recordPath = (config: LiteshipConfig, role: WorkerRole) => path.join(config.stateDir, `worker-${role}.json`);
export const workerLogPath = (config: LiteshipConfig, role: WorkerRole) => path.join(config.stateDir, 'logs', `worker-${role}.log`);

/** A killed worker stays a zombie until its parent reaps it; signal 0 still reaches a zombie, so check its state too. */
function isAlive(pid: number): boolean {
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

function readRecord(config: LiteshipConfig, role: WorkerRole): WorkerRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordPath(config, role), 'utf8')) as WorkerRecord;
    return isAlive(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

async function hasPoller(client: Client, namespace: string, taskQueue: string, since: number): Promise<boolean> {
  const res = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 2 });
  return (res.pollers ?? []).some((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return seconds * 1000 >= since - 1000;
  });
}

/** The env var that ties a local worker to one stack instance (worker.ts refuses any other). */
export const STACK_INSTANCE_ENV = 'LITESHIP_STACK_INSTANCE';

/** What a worker was started for: code, stack instance, credentials and the config it reads from the environment. */
function workerFingerprint(config: LiteshipConfig): { fingerprint: string; instance: string | undefined } {
  const instance = readStackInstance(config.stateDir)?.id;
  let credentials = '';
  try {
    credentials = readFileSync(credentialsFile(config.stateDir), 'utf8');
  } catch {
    // remote storage, or not created yet
  }
  const liteshipEnv = Object.entries(process.env).filter(([k]) => k.startsWith('LITESHIP_') || k.startsWith('TEMPORAL_') || k.startsWith('AWS_')).sort();
  const hash = createHash('sha256').update(JSON.stringify([instance, credentials, liteshipEnv])).digest('hex').slice(0, 16);
  return { fingerprint: `${codeFingerprint(repoRoot())}+${hash}`, instance };
}

function start(config: LiteshipConfig, role: WorkerRole, fingerprint: string, instance: string | undefined): WorkerRecord {
  const logFile = workerLogPath(config, role);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'liteship.js'), 'worker', '--queue', role], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...(instance ? { [STACK_INSTANCE_ENV]: instance } : {}) },
    cwd: repoRoot(),
  });
  child.unref();
  const record = { pid: child.pid ?? -1, fingerprint, startedAt: new Date().toISOString() };
  writeFileSync(recordPath(config, role), JSON.stringify(record));
  return record;
}

/** The pid of a running local worker, if any. */
export function localWorkerPid(config: LiteshipConfig, role: WorkerRole): number | undefined {
  return readRecord(config, role)?.pid;
}

export function stopLocalWorkers(config: LiteshipConfig): WorkerRole[] {
  const stopped: WorkerRole[] = [];
  for (const role of WORKER_ROLES) {
    const record = readRecord(config, role);
    if (record) {
      process.kill(record.pid, 'SIGTERM');
      stopped.push(role);
    }
    rmSync(recordPath(config, role), { force: true });
  }
  return stopped;
}

export async function ensureLocalWorkers(config: LiteshipConfig, client: Client, log: (line: string) => void): Promise<void> {
  const { fingerprint, instance } = workerFingerprint(config);
  const started: { role: WorkerRole; at: number }[] = [];
  for (const role of WORKER_ROLES) {
    const record = readRecord(config, role);
    if (record?.fingerprint === fingerprint) continue;
    if (record) {
      log(`restarting the ${role} worker: the code, the stack or its credentials changed since it started`);
      process.kill(record.pid, 'SIGTERM');
    }
    start(config, role, fingerprint, instance);
    started.push({ role, at: Date.now() });
    log(`started a local ${role} worker (log: ${path.relative(process.cwd(), workerLogPath(config, role))})`);
  }
  for (const { role, at } of started) {
    while (!(await hasPoller(client, config.temporal.namespace, TASK_QUEUE_OF_ROLE[role], at))) {
      if (!readRecord(config, role)) {
        throw new LocalStackError('start-failed', `the local ${role} worker exited while starting: see ${workerLogPath(config, role)}`);
      }
      if (Date.now() - at > START_TIMEOUT_MS) throw new LocalStackError('start-failed', `the local ${role} worker did not start polling in ${START_TIMEOUT_MS / 1000} s: see ${workerLogPath(config, role)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

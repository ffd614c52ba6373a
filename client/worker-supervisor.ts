/**
 * The local worker supervisor: one small process per stack instance (started by client/local-workers.ts
 * as `liteship dev supervise`) that runs the pipeline and training workers and starts a worker again
 * when it exits, with backoff (1 s, doubling to 30 s; back to 1 s after a minute of running). It
 * restarts both workers when the stack's MinIO credentials change, and stops them and itself when the
 * stack's servers are gone or replaced, or when its pid file no longer names it (`dev down`, or a
 * newer supervisor took over). Logs and a status file (pids, restart counts) live in the state folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { WORKER_ROLES, type WorkerRole } from '../contracts';
import type { LiteshipConfig } from '../infra/config';
import { instanceGoneReason } from '../infra/local-stack';
import { repoRoot } from '../infra/paths';
import {
  readSupervisor,
  removeFile,
  stackFingerprint,
  STACK_INSTANCE_ENV,
  supervisorRecordPath,
  supervisorStatusPath,
  SUPERVISOR_PID_ENV,
  workerLogPath,
  writeJsonAtomic,
  type RoleStatus,
  type SupervisorStatus,
} from './local-worker-files';

const CHECK_EVERY_MS = 2_000;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** A worker that ran this long before exiting is restarted after the first backoff again. */
const HEALTHY_RUN_MS = 60_000;
const STOP_GRACE_MS = 10_000;

interface Slot {
  status: RoleStatus;
  child?: ChildProcess;
  timer?: NodeJS.Timeout;
  /** Exits in a row without a healthy run, for the backoff. */
  failures: number;
  /** Set when the supervisor itself stopped the worker to start it again at once (new credentials). */
  restartWhy?: string;
}

export async function superviseLocalWorkers(config: LiteshipConfig, log: (line: string) => void): Promise<number> {
  const instance = process.env[STACK_INSTANCE_ENV];
  if (!instance) throw new Error(`the worker supervisor is started by \`liteship dev up\` or \`liteship run\` for one stack instance (${STACK_INSTANCE_ENV} is not set)`);
  const gone = instanceGoneReason(config.stateDir, instance);
  if (gone) {
    log(`not starting: ${gone}`);
    return 1;
  }
  return new Supervisor(config, instance, log).run();
}

class Supervisor {
  private readonly slots = new Map<WorkerRole, Slot>(WORKER_ROLES.map((role) => [role, { status: { state: 'stopped', restarts: 0 }, failures: 0 }]));
  private stack: string;
  private stopping = false;
  private done: (code: number) => void = () => undefined;

  constructor(
    private readonly config: LiteshipConfig,
    private readonly instance: string,
    private readonly log: (line: string) => void,
  ) {
    this.stack = stackFingerprint(config.stateDir);
  }

  run(): Promise<number> {
    const finished = new Promise<number>((resolve) => (this.done = resolve));
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void this.stop(`${signal} received`, 0));
    const timer = setInterval(() => this.check(), CHECK_EVERY_MS);
    void finished.then(() => clearInterval(timer));
    this.log(`supervising the ${WORKER_ROLES.join(' and ')} workers of stack instance ${this.instance} (${this.config.stateDir})`);
    for (const role of WORKER_ROLES) this.start(role);
    return finished;
  }

  private start(role: WorkerRole): void {
    const slot = this.slots.get(role)!;
    slot.timer = undefined;
    if (this.stopping) return;
    const logFile = workerLogPath(this.config, role);
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'liteship.js'), 'worker', '--queue', role], {
        stdio: ['ignore', fd, fd],
        env: { ...process.env, [SUPERVISOR_PID_ENV]: String(process.pid) },
        cwd: repoRoot(),
      });
      slot.child = child;
      slot.status = { ...slot.status, state: 'running', startedAt: new Date().toISOString(), ...(child.pid ? { pid: child.pid } : {}) };
      delete slot.status.nextStartAt;
      child.once('exit', (code, signal) => this.exited(role, child, code, signal));
      this.log(`${role} worker started (pid ${child.pid ?? '?'}, log ${logFile})`);
    } finally {
      closeSync(fd);
    }
    this.writeStatus();
  }

  private exited(role: WorkerRole, child: ChildProcess, code: number | null, signal: string | null): void {
    const slot = this.slots.get(role)!;
    if (slot.child !== child) return;
    slot.child = undefined;
    const ranMs = Date.now() - Date.parse(slot.status.startedAt ?? new Date().toISOString());
    const why = slot.restartWhy;
    slot.restartWhy = undefined;
    slot.status = { ...slot.status, state: 'stopped', lastExit: { code, signal, at: new Date().toISOString(), ...(why ? { why } : {}) } };
    delete slot.status.pid;
    if (this.stopping) {
      this.writeStatus();
      return;
    }
    slot.failures = why ? 0 : failuresInARow(slot.failures, ranMs);
    const delay = why ? 0 : restartDelayMs(slot.failures);
    slot.status.restarts += 1;
    slot.status.state = 'restarting';
    slot.status.nextStartAt = new Date(Date.now() + delay).toISOString();
    this.log(`${role} worker exited (${signal ? `signal ${signal}` : `code ${code}`}${why ? `: ${why}` : ''}); starting it again in ${delay / 1000} s`);
    slot.timer = setTimeout(() => this.start(role), delay);
    this.writeStatus();
  }

  /** Every few seconds: still the supervisor of this state folder, its servers still the same, same credentials? */
  private check(): void {
    if (this.stopping) return;
    const record = readSupervisor(this.config);
    if (record?.pid !== process.pid) {
      void this.stop(`${supervisorRecordPath(this.config)} no longer names this supervisor (stopped by \`liteship dev down\` or replaced)`, 0);
      return;
    }
    const gone = instanceGoneReason(this.config.stateDir, this.instance);
    if (gone) {
      void this.stop(gone, 0);
      return;
    }
    const stack = stackFingerprint(this.config.stateDir);
    if (stack === this.stack) return;
    this.stack = stack;
    // The workers read the credentials when they start: start them again, and tell the CLI they match now.
    writeJsonAtomic(supervisorRecordPath(this.config), { ...record, fingerprint: { ...record.fingerprint, stack } });
    for (const [role, slot] of this.slots) {
      if (!slot.child) continue;
      slot.restartWhy = 'the MinIO credentials changed';
      this.log(`restarting the ${role} worker: the MinIO credentials changed`);
      slot.child.kill('SIGTERM');
    }
  }

  private async stop(reason: string, code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log(`stopping the workers: ${reason}`);
    const children: ChildProcess[] = [];
    for (const slot of this.slots.values()) {
      if (slot.timer) clearTimeout(slot.timer);
      if (slot.child) children.push(slot.child);
    }
    await Promise.all(children.map((child) => stopChild(child)));
    removeFile(supervisorStatusPath(this.config));
    if (readSupervisor(this.config)?.pid === process.pid) removeFile(supervisorRecordPath(this.config));
    this.done(code);
  }

  private writeStatus(): void {
    const status: SupervisorStatus = {
      supervisorPid: process.pid,
      updatedAt: new Date().toISOString(),
      roles: Object.fromEntries([...this.slots].map(([role, slot]) => [role, slot.status])),
    };
    writeJsonAtomic(supervisorStatusPath(this.config), status);
  }
}

/** Exits in a row without a healthy run, after an exit of a worker that ran `ranMs`. */
export function failuresInARow(before: number, ranMs: number): number {
  return ranMs >= HEALTHY_RUN_MS ? 1 : before + 1;
}

/** 1 s after the first exit in a row, doubling up to 30 s. */
export function restartDelayMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
}

/** SIGTERM (the Temporal worker shuts down gracefully), SIGKILL after the grace period. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

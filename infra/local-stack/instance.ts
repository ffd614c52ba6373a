// One stack instance = the servers started from one state folder, as they run now. Its id is
// recorded in the state folder (stack-instance.json) and changes whenever a server is (re)started,
// so a local worker started for one instance can tell that its servers are gone or were replaced.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isOurProcess, readPidFile } from './processes';

export interface StackInstance {
  id: string;
  /** Pids of this instance's local servers (absent when that part is remote). */
  pids: { temporal?: number; minio?: number };
  startedAt: string;
}

const SERVERS = ['temporal', 'minio'] as const;
export const instanceFile = (stateDir: string) => path.join(stateDir, 'stack-instance.json');

export function readStackInstance(stateDir: string): StackInstance | undefined {
  try {
    return JSON.parse(fs.readFileSync(instanceFile(stateDir), 'utf8')) as StackInstance;
  } catch {
    return undefined;
  }
}

function runningPids(stateDir: string): StackInstance['pids'] {
  const pids: StackInstance['pids'] = {};
  for (const id of SERVERS) {
    const rec = readPidFile(path.join(stateDir, `${id}.pid`));
    if (rec && isOurProcess(rec)) pids[id] = rec.pid;
  }
  return pids;
}

/** Records the running servers as the current instance, with a new id if they differ from the recorded ones. */
export function recordStackInstance(stateDir: string): StackInstance {
  const pids = runningPids(stateDir);
  const current = readStackInstance(stateDir);
  if (current && JSON.stringify(current.pids) === JSON.stringify(pids)) return current;
  const fresh: StackInstance = { id: crypto.randomUUID(), pids, startedAt: new Date().toISOString() };
  fs.writeFileSync(instanceFile(stateDir), `${JSON.stringify(fresh, null, 2)}\n`);
  return fresh;
}

/** Why a worker started for instance `id` must stop, or undefined while its servers still run. */
export function instanceGoneReason(stateDir: string, id: string): string | undefined {
  const current = readStackInstance(stateDir);
  if (!current) return `the stack of ${stateDir} was stopped (no ${path.basename(instanceFile(stateDir))})`;
  if (current.id !== id) return `the stack of ${stateDir} was restarted (instance ${current.id}, this worker was started for ${id})`;
  const running = runningPids(stateDir);
  for (const server of SERVERS) {
    const pid = current.pids[server];
    if (pid !== undefined && running[server] !== pid) return `the ${server} server of ${stateDir} (pid ${pid}) is gone`;
  }
  return undefined;
}

/**
 * Calls onGone (once) when the instance's servers are gone or replaced, or when `parentPid` is no
 * longer this process's parent (its supervisor died); returns a function that stops watching.
 */
export function watchStackInstance(
  stateDir: string,
  id: string,
  onGone: (reason: string) => void,
  { everyMs = 2000, parentPid }: { everyMs?: number; parentPid?: number } = {},
): () => void {
  const timer = setInterval(() => {
    const orphaned = parentPid !== undefined && process.ppid !== parentPid ? `its supervisor (pid ${parentPid}) is gone` : undefined;
    const reason = orphaned ?? instanceGoneReason(stateDir, id);
    if (reason) {
      clearInterval(timer);
      onGone(reason);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

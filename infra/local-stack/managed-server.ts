// Lifecycle shared by the local servers: find a running one through its pid
// file, refuse ports taken by someone else, start detached, wait until a real
// request succeeds, stop by pid.
import path from 'node:path';
import type { PortName } from '../local-ports';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStackError, portInUse } from './errors';
import { portOwner, recordPortOwner } from './port-owners';
import { isAlive, isOurProcess, probePort, readPidFile, removeFile, spawnDetached, stopProcess, tailFile, writePidFile } from './processes';

export interface ManagedServer {
  /** File stem in the state folder: <id>.pid, <id>.log. */
  id: 'temporal' | 'minio';
  /** For messages: "Temporal dev server". */
  title: string;
  /** Every port it binds, with the env var that moves it; the first is the one probed for liveness. */
  ports: { name: PortName; port: number; envVar: string }[];
  resolveBinary(): Promise<string>;
  args(): string[];
  env(): NodeJS.ProcessEnv;
  /** Resolves when the server answers a real request; throws (with the reason) otherwise. */
  checkReady(): Promise<void>;
  /** The machine-wide cache folder, where each started server notes the ports it holds (port-owners.ts). */
  cacheDir?: string;
}

type ServerState =
  | { state: 'running'; pid: number; ports: number[]; logFile: string }
  | { state: 'stopped'; logFile: string }
  | { state: 'port-taken'; name: PortName; port: number; envVar: string; logFile: string; owner?: string };

function pidFileOf(stateDir: string, server: ManagedServer): string {
  return path.join(stateDir, `${server.id}.pid`);
}

function logFileOf(stateDir: string, server: ManagedServer): string {
  return path.join(stateDir, `${server.id}.log`);
}

export async function serverState(stateDir: string, server: ManagedServer): Promise<ServerState> {
  const logFile = logFileOf(stateDir, server);
  const rec = readPidFile(pidFileOf(stateDir, server));
  if (rec && isOurProcess(rec)) return { state: 'running', pid: rec.pid, ports: rec.ports, logFile };
  for (const { name, port, envVar } of server.ports) {
    if (await probePort(port)) {
      const owner = server.cacheDir ? portOwner(server.cacheDir, port) : undefined;
      return { state: 'port-taken', name, port, envVar, logFile, ...(owner ? { owner } : {}) };
    }
  }
  return { state: 'stopped', logFile };
}

/** Starts the server unless this state folder's server already runs; waits until it is ready either way. */
export async function ensureServer(
  stateDir: string,
  server: ManagedServer,
  timeoutMs: number,
): Promise<'started' | 'already-running'> {
  const pidFile = pidFileOf(stateDir, server);
  const wanted = server.ports.map((p) => p.port);
  const st = await serverState(stateDir, server);
  const { logFile } = st;
  if (st.state === 'running') {
    if (st.ports.join(',') !== wanted.join(',')) {
      throw new LocalStackError(
        'port-in-use',
        `the ${server.title} of ${stateDir} already runs on ports ${st.ports.join(', ')} (pid ${st.pid}), ` +
          `not ${wanted.join(', ')}: run 'liteship dev down' first to change ports`,
      );
    }
    await waitReady(server, st.pid, logFile, timeoutMs);
    return 'already-running';
  }
  if (st.state === 'port-taken') throw portInUse(st.port, st.envVar, st.owner);
  removeFile(pidFile); // a stale one, if any: the process is gone
  const binary = await server.resolveBinary();
  const pid = spawnDetached(binary, server.args(), { env: server.env(), logFile, cwd: stateDir });
  writePidFile(pidFile, { pid, ports: wanted, binary, startedAt: new Date().toISOString() });
  if (server.cacheDir) recordPortOwner(server.cacheDir, wanted, { stateDir, pid });
  try {
    await waitReady(server, pid, logFile, timeoutMs);
  } catch (err) {
    // Do not leave a half-started server behind holding the ports.
    await stopProcess(pid, 5_000);
    removeFile(pidFile);
    throw err;
  }
  return 'started';
}

async function waitReady(server: ManagedServer, pid: number, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  for (;;) {
    if (!isAlive(pid)) {
      throw new LocalStackError('start-failed', `the ${server.title} (pid ${pid}) exited while starting; last lines of ${logFile}:\n${tailFile(logFile)}`);
    }
    try {
      await server.checkReady();
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
    }
    if (Date.now() > deadline) {
      throw new LocalStackError(
        'start-failed',
        `the ${server.title} (pid ${pid}) was not ready after ${Math.round(timeoutMs / 1000)} s (${lastError}); ` +
          `see ${logFile}, or raise LITESHIP_START_TIMEOUT_MS on a slow machine. Last lines:\n${tailFile(logFile)}`,
      );
    }
    await sleep(500);
  }
}

export async function stopServer(stateDir: string, server: ManagedServer): Promise<'stopped' | 'not-running'> {
  const pidFile = pidFileOf(stateDir, server);
  const rec = readPidFile(pidFile);
  if (!rec || !isOurProcess(rec)) {
    removeFile(pidFile);
    return 'not-running';
  }
  await stopProcess(rec.pid);
  removeFile(pidFile);
  return 'stopped';
}

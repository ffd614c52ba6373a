// Before the local servers start, every port they need must be free. A port held by another
// checkout's stack (or any other process) moves to the next free one 10 above it, unless it was set
// in the environment: then it is refused, naming the holder. Chosen ports are reserved machine-wide
// (port-owners.ts, under a machine-wide lock) so two checkouts starting at the same moment do not
// pick the same ones; the caller records them in the state folder once the servers run.
import net from 'node:net';
import path from 'node:path';
import { LOCAL_HOST, withLocalPorts, type LiteshipConfig } from '../config';
import { PORT_NAMES, type LocalPorts, type PortName } from '../local-ports';
import { LocalStackError, portInUse } from './errors';
import type { ManagedServer } from './managed-server';
import { portOwner, recordPortOwner } from './port-owners';
import { withLock } from './processes';

const STEP = 10;
const MAX_STEPS = 200;
const LOCK_TIMEOUT_MS = 60_000;

export interface MovedPort {
  name: PortName;
  from: number;
  to: number;
  /** State folder of the liteship stack holding `from`, when it is one. */
  owner?: string;
}

export function portsOf(config: LiteshipConfig): LocalPorts {
  return Object.fromEntries(PORT_NAMES.map((name) => [name, config.local[name]])) as LocalPorts;
}

/** Who holds a port: undefined when it is free for this state folder. */
async function holder(config: LiteshipConfig, port: number): Promise<{ owner?: string } | undefined> {
  const owner = portOwner(config.local.cacheDir, port);
  if (owner && owner !== config.stateDir) return { owner }; // running, or reserved by a checkout starting right now
  return (await canBind(port)) ? undefined : {};
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: LOCAL_HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The config with free ports for `servers` (the local servers of this state folder that are not
 * running), reserved for this process until the servers record themselves as the owners.
 */
export async function settlePorts(config: LiteshipConfig, servers: ManagedServer[]): Promise<{ config: LiteshipConfig; moved: MovedPort[] }> {
  if (servers.length === 0) return { config, moved: [] };
  return withLock(path.join(config.local.cacheDir, 'ports.lock'), LOCK_TIMEOUT_MS, async () => {
    const ports = portsOf(config);
    const moved: MovedPort[] = [];
    const taken = new Set<number>();
    for (const server of servers) {
      for (const { name, port, envVar } of server.ports) {
        const held = await holder(config, port);
        if (!held) {
          taken.add(port);
          continue;
        }
        if (config.local.explicitPorts.includes(name)) throw portInUse(port, envVar, held.owner);
        const to = await nextFreePort(config, port, taken);
        if (to === undefined) {
          throw new LocalStackError('port-in-use', `port ${port} and the ${MAX_STEPS} ports ${STEP} apart above it are in use: set ${envVar} to a free port`);
        }
        ports[name] = to;
        taken.add(to);
        moved.push({ name, from: port, to, ...(held.owner ? { owner: held.owner } : {}) });
      }
    }
    recordPortOwner(config.local.cacheDir, [...taken], { stateDir: config.stateDir, pid: process.pid });
    return { config: withLocalPorts(config, ports), moved };
  });
}

async function nextFreePort(config: LiteshipConfig, port: number, taken: Set<number>): Promise<number | undefined> {
  for (let step = 1; step <= MAX_STEPS; step++) {
    const candidate = port + step * STEP;
    if (candidate > 65535) return undefined;
    if (!taken.has(candidate) && !(await holder(config, candidate))) return candidate;
  }
  return undefined;
}

/** One log line per holder of moved ports. */
export function describeMoves(moves: MovedPort[], stateDir: string): string[] {
  const byHolder = new Map<string, MovedPort[]>();
  for (const m of moves) {
    const by = m.owner ? `the liteship stack of ${m.owner}` : 'another process';
    byHolder.set(by, [...(byHolder.get(by) ?? []), m]);
  }
  return [...byHolder].map(([by, ms]) => {
    const plural = ms.length > 1;
    return `port${plural ? 's' : ''} ${ms.map((m) => m.from).join(', ')} ${plural ? 'are' : 'is'} in use by ${by}: ` +
      `this stack uses ${ms.map((m) => m.to).join(', ')} instead (recorded in ${path.join(stateDir, 'ports.json')})`;
  });
}

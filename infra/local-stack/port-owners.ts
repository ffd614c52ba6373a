// Which liteship stack holds a local port, machine-wide: a small file per port in the shared cache
// folder, written when a server starts. When a port is taken, the message can then name the other
// checkout's state folder instead of "another process".
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from './processes';

interface PortOwner {
  stateDir: string;
  pid: number;
}

const ownerFile = (cacheDir: string, port: number) => path.join(cacheDir, 'ports', `${port}.json`);

export function recordPortOwner(cacheDir: string, ports: number[], owner: PortOwner): void {
  try {
    fs.mkdirSync(path.join(cacheDir, 'ports'), { recursive: true });
    for (const port of ports) fs.writeFileSync(ownerFile(cacheDir, port), JSON.stringify(owner));
  } catch {
    // Only used to word an error message better: never a reason to fail a start.
  }
}

/** The state folder of the running liteship server on this port, if it is one of ours. */
export function portOwner(cacheDir: string, port: number): string | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(ownerFile(cacheDir, port), 'utf8')) as PortOwner;
    return isAlive(owner.pid) ? owner.stateDir : undefined;
  } catch {
    return undefined;
  }
}

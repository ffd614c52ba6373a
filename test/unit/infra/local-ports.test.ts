// Which ports a state folder's stack uses (env, else ports.json, else defaults), and how ports held
// by someone else move to free ones unless they were set explicitly. Real sockets, no servers.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../infra/config';
import { readRecordedPorts, recordPorts } from '../../../infra/local-ports';
import { LocalStackError } from '../../../infra/local-stack';
import { minioServer } from '../../../infra/local-stack/minio-server';
import { settlePorts } from '../../../infra/local-stack/port-choice';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'liteship-ports-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function stateDir(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const env = (dir: string, vars: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HOME: root, PATH: process.env.PATH, LITESHIP_CACHE_DIR: path.join(root, 'cache'), LITESHIP_STATE_DIR: dir, ...vars });

describe('resolving', () => {
  test('the recorded ports are used, addresses and the UI link follow; a port in the environment wins and is explicit', () => {
    const dir = stateDir('a');
    recordPorts(dir, { temporalPort: 7243, temporalUiPort: 8243, s3Port: 9010, s3ConsolePort: 9011 });
    const recorded = loadConfig(env(dir));
    expect(recorded.temporal).toMatchObject({ address: '127.0.0.1:7243', uiUrl: 'http://127.0.0.1:8243' });
    expect(recorded.storage.endpoint).toBe('http://127.0.0.1:9010');
    expect(recorded.local.explicitPorts).toEqual([]);

    const explicit = loadConfig(env(dir, { LITESHIP_S3_PORT: '9100' }));
    expect(explicit.local).toMatchObject({ s3Port: 9100, s3ConsolePort: 9011, temporalPort: 7243, explicitPorts: ['s3Port'] });
    // An explicit Temporal port brings the dev server's own UI default (port + 1000), not the recorded UI port.
    expect(loadConfig(env(dir, { LITESHIP_TEMPORAL_PORT: '7300' })).temporal.uiUrl).toBe('http://127.0.0.1:8300');
  });

  test('an unreadable ports.json means the defaults', () => {
    const dir = stateDir('b');
    fs.writeFileSync(path.join(dir, 'ports.json'), '{"temporalPort": "x"}');
    expect(readRecordedPorts(dir)).toBeUndefined();
    expect(loadConfig(env(dir)).local).toMatchObject({ temporalPort: 7233, temporalUiPort: 8233, s3Port: 9000, s3ConsolePort: 9001 });
  });
});

describe('settling before a start', () => {
  const holders: net.Server[] = [];
  afterEach(async () => {
    await Promise.all(holders.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  async function holdFreePort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holders.push(server);
    return (server.address() as net.AddressInfo).port;
  }
  const minio = (config: ReturnType<typeof loadConfig>) => minioServer(config, () => ({ accessKeyId: 'unused', secretAccessKey: 'unused-unused' }), () => undefined);

  test('a held port that was not set explicitly moves to a free one a multiple of 10 above; a held explicit port is refused', async () => {
    const held = await holdFreePort();
    const free = held + 1 < 65536 ? held + 1 : held - 1; // not held by this test; moved only if someone else holds it
    const dir = stateDir('c');
    recordPorts(dir, { temporalPort: 7233, temporalUiPort: 8233, s3Port: held, s3ConsolePort: free });
    const config = loadConfig(env(dir));
    const settled = await settlePorts(config, [minio(config)]);
    const moved = settled.moved.find((m) => m.name === 's3Port');
    expect(moved).toMatchObject({ from: held });
    expect(moved!.to - held).toBeGreaterThan(0);
    expect((moved!.to - held) % 10).toBe(0);
    expect(settled.config.storage.endpoint).toBe(`http://127.0.0.1:${moved!.to}`);

    const explicit = loadConfig(env(stateDir('d'), { LITESHIP_S3_PORT: String(held) }));
    const err = await settlePorts(explicit, [minio(explicit)]).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LocalStackError);
    expect((err as Error).message).toBe(`port ${held} is in use by another process; stop it or set LITESHIP_S3_PORT to a free port`);
  });

  test('ports chosen for one state folder are reserved: a second checkout starting at the same moment gets others, and is told whose they are', async () => {
    const p = await holdFreePort();
    holders.pop()?.close(); // free again, but chosen by "a" below
    const ports = { temporalPort: 7233, temporalUiPort: 8233, s3Port: p, s3ConsolePort: p + 1 < 65536 ? p + 1 : p - 1 };
    const a = stateDir('a');
    const b = stateDir('b');
    recordPorts(a, ports);
    recordPorts(b, ports);
    const configA = loadConfig(env(a));
    const first = await settlePorts(configA, [minio(configA)]);
    expect(first.config.local.s3Port).toBe(p);
    const configB = loadConfig(env(b));
    const second = await settlePorts(configB, [minio(configB)]);
    expect(second.config.local.s3Port).not.toBe(p);
    expect(second.moved.find((m) => m.name === 's3Port')).toMatchObject({ from: p, owner: a });
    // With the port set explicitly, the second checkout is refused with a message naming the first.
    const explicitB = loadConfig(env(b, { LITESHIP_S3_PORT: String(p) }));
    await expect(settlePorts(explicitB, [minio(explicitB)])).rejects.toThrow(`port ${p} is in use by the liteship stack of ${a} (another checkout or state folder)`);
  });
});

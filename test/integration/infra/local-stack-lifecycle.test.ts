// A second, private local stack (temp state folder, free ports) driven through
// `liteship dev up|status|down`: cold start, finding it running, loopback-only
// binding, secrets kept out of logs, a taken port, and data surviving a restart.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { devCommand } from '../../../client/commands/dev';
import { connectionOptionsFor, loadConfig, type LiteshipConfig } from '../../../infra/config';
import { ensureLocalStack, LocalStackError, localStackStatus, readLocalCredentials, stopLocalStack } from '../../../infra/local-stack';
import { probePort } from '../../../infra/local-stack/processes';
import { createObjectStore } from '../../../infra/s3-object-store';
import { REMOTE_SWITCHES } from '../../support/stack';

const PORT_VARS = ['LITESHIP_TEMPORAL_PORT', 'LITESHIP_TEMPORAL_UI_PORT', 'LITESHIP_S3_PORT', 'LITESHIP_S3_CONSOLE_PORT'] as const;
const savedEnv = { ...process.env };
let stateDir: string;
let ports: number[];
let config: LiteshipConfig;

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const found = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return found;
}

async function dev(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (out += s) };
  const code = await devCommand(argv, io);
  return { code, out };
}

/** Local addresses (hex, as in /proc/net/tcp*) of the sockets listening on `port`. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local.slice(0, -5));
    }
  }
  return found;
}
const LOOPBACK = new Set(['0100007F', '00000000000000000000000001000000']);

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liteship-stack-'));
  ports = await freePorts(4);
  for (const name of REMOTE_SWITCHES) delete process.env[name];
  process.env.LITESHIP_STATE_DIR = stateDir;
  PORT_VARS.forEach((name, i) => (process.env[name] = String(ports[i])));
  config = loadConfig();
});

afterAll(async () => {
  await dev('down');
  process.env = savedEnv;
  fs.rmSync(stateDir, { recursive: true, force: true });
});

test('dev up starts both servers from cold, creates the bucket and keeps credentials private', async () => {
  const { code, out } = await dev('up', '--servers-only');
  expect(code).toBe(0);
  expect(out).toMatch(/Temporal dev server started on 127\.0\.0\.1/);
  expect(out).toMatch(/MinIO server started on 127\.0\.0\.1/);
  expect(out).toContain('created bucket liteship');
  expect(out).toMatch(new RegExp(`Temporal +running +127\\.0\\.0\\.1:${ports[0]} +pid \\d+ +UI http://127\\.0\\.0\\.1:${ports[1]}`));

  const credentials = readLocalCredentials(stateDir);
  expect(credentials?.secretAccessKey).toMatch(/^[A-Za-z0-9_-]{40}$/);
  expect(fs.statSync(path.join(stateDir, 'minio-credentials.json')).mode & 0o777).toBe(0o600);
  for (const log of ['temporal.log', 'minio.log']) {
    expect(fs.readFileSync(path.join(stateDir, log), 'utf8')).not.toContain(credentials?.secretAccessKey);
  }
  expect(out).not.toContain(credentials?.secretAccessKey);
  expect(fs.existsSync(path.join(stateDir, 'temporal.sqlite'))).toBe(true);
});

test('every port is bound to loopback only', () => {
  for (const port of ports) {
    const addresses = listeningAddresses(port);
    expect({ port, listening: addresses.length > 0 }).toEqual({ port, listening: true });
    expect({ port, nonLoopback: addresses.filter((a) => !LOOPBACK.has(a)) }).toEqual({ port, nonLoopback: [] });
  }
});

test('a second ensureLocalStack finds the same servers running; the returned stack does not print credentials', async () => {
  const before = await localStackStatus(config);
  const stack = await ensureLocalStack(config);
  expect(stack).toMatchObject({ temporal: 'already-running', minio: 'already-running', temporalAddress: `127.0.0.1:${ports[0]}`, bucket: 'liteship' });
  expect(stack.credentials).toEqual(readLocalCredentials(stateDir));
  expect(JSON.stringify(stack)).not.toContain(stack.credentials?.secretAccessKey);
  expect((await localStackStatus(config)).servers.map((s) => s.pid)).toEqual(before.servers.map((s) => s.pid));
});

test('a port taken by another process is a clear LocalStackError naming the variable to set', async () => {
  const [taken] = await freePorts(1);
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
  const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liteship-stack-taken-'));
  try {
    const [p1, p2, p3] = await freePorts(3);
    const clash = loadConfig({
      ...process.env,
      LITESHIP_STATE_DIR: otherDir,
      LITESHIP_TEMPORAL_PORT: String(p1),
      LITESHIP_TEMPORAL_UI_PORT: String(p2),
      LITESHIP_S3_PORT: String(taken),
      LITESHIP_S3_CONSOLE_PORT: String(p3),
    });
    const err = await ensureLocalStack(clash).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LocalStackError);
    expect((err as Error).message).toBe(`port ${taken} is in use by another process; stop it or set LITESHIP_S3_PORT to a free port`);
    const status = await localStackStatus(clash);
    expect(status.servers.find((s) => s.name === 'minio')).toMatchObject({ state: 'port-taken' });
    // Ports are checked before anything starts, so the Temporal half was not left running.
    expect(status.servers.find((s) => s.name === 'temporal')).toMatchObject({ state: 'stopped' });
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
    // Its Temporal may have started before MinIO's port check failed: stop what it started.
    await stopLocalStack(loadConfig({ ...process.env, LITESHIP_STATE_DIR: otherDir }));
    fs.rmSync(otherDir, { recursive: true, force: true });
  }
});

test('a port held by another liteship stack (another checkout) names that stack and how to stop it', async () => {
  await ensureLocalStack(config);
  const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liteship-other-checkout-'));
  try {
    const other = loadConfig({ ...process.env, LITESHIP_STATE_DIR: otherDir });
    const err = await ensureLocalStack(other).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LocalStackError);
    expect((err as Error).message).toBe(
      `port ${ports[0]} is in use by the liteship stack of ${stateDir} (another checkout or state folder); ` +
        `stop it with \`LITESHIP_STATE_DIR=${stateDir} liteship dev down\` (and its port variables) or set LITESHIP_TEMPORAL_PORT to a free port`,
    );
  } finally {
    fs.rmSync(otherDir, { recursive: true, force: true });
  }
});

test('objects and workflow runs survive dev down + dev up', async () => {
  const key = `restart/${crypto.randomBytes(4).toString('hex')}`;
  const workflowId = `it-restart-${Date.now()}`;
  const ready = { ...config, storage: { ...config.storage, credentials: readLocalCredentials(stateDir) } };
  const store = createObjectStore(ready);
  let connection = await Connection.connect(connectionOptionsFor(config));
  await new Client({ connection }).workflow.start('liteshipRestartProbe', { taskQueue: 'it-no-worker', workflowId, args: [] });
  await connection.close();
  await store.put(key, new TextEncoder().encode('kept'));

  const down = await dev('down');
  expect(down.out).toContain('Temporal: stopped\nMinIO: stopped');
  const status = await dev('status');
  expect(status.out).toMatch(/Temporal +stopped/);
  expect(status.out).toMatch(/MinIO +stopped/);
  expect(await probePort(ports[0] ?? 0)).toBe(false);

  const up = await dev('up', '--servers-only');
  expect(up.out).toMatch(/Temporal dev server started/);
  expect(new TextDecoder().decode(await store.get(key))).toBe('kept');
  connection = await Connection.connect(connectionOptionsFor(config));
  try {
    const handle = new Client({ connection }).workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('integration test cleanup');
  } finally {
    await connection.close();
    store.destroy();
  }
});

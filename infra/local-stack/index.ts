// The local stack: a Temporal dev server and a MinIO server that liteship
// starts itself (detached, so they outlive the CLI) for whatever part of the
// config is in local mode. Remote parts are never started.
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_HOST, storageWhere, withLocalPorts, type LiteshipConfig, type S3Credentials } from '../config';
import { recordPorts } from '../local-ports';
import { ensureBucket } from '../s3-object-store';
import { ensureLocalCredentials } from './credentials';
import { ensureServer, serverState, stopServer, type ManagedServer } from './managed-server';
import { minioServer } from './minio-server';
import { portInUse } from './errors';
import { describeMoves, portsOf, settlePorts } from './port-choice';
import { instanceFile, recordStackInstance } from './instance';
import { withLock } from './processes';
import { registerMissingSearchAttributes } from './search-attributes';
import { temporalServer } from './temporal-server';

export { LocalStackError } from './errors';
export { readLocalCredentials, credentialsFile } from './credentials';
export { instanceGoneReason, readStackInstance, watchStackInstance, type StackInstance } from './instance';
export { SEARCH_ATTRIBUTES, BLOB_SIZE_ERROR_BYTES } from './temporal-server';

export interface LocalStack {
  /** The config as the servers run: ports may have moved from the ones asked for (port-choice.ts). */
  config: LiteshipConfig;
  stateDir: string;
  temporalAddress: string;
  namespace: string;
  uiUrl: string | undefined;
  s3Endpoint: string | undefined;
  bucket: string;
  /** Local MinIO root credentials; non-enumerable so that logging the stack object does not print them. */
  credentials: S3Credentials | undefined;
  /** What happened to each server on this call. */
  temporal: 'started' | 'already-running' | 'remote';
  minio: 'started' | 'already-running' | 'remote';
}

export interface StackOptions {
  log?: (msg: string) => void;
}

const STACK_LOCK_TIMEOUT_MS = 25 * 60_000; // covers a first-time MinIO build in another process

/** Starts (or finds running) the local servers this config needs, and creates the bucket. */
export async function ensureLocalStack(asked: LiteshipConfig, { log = () => {} }: StackOptions = {}): Promise<LocalStack> {
  fs.mkdirSync(asked.stateDir, { recursive: true });
  return withLock(path.join(asked.stateDir, 'stack.lock'), STACK_LOCK_TIMEOUT_MS, async () => {
    const credentials = asked.storage.mode === 'local' ? ensureLocalCredentials(asked.stateDir) : undefined;
    const config = await settleLocalPorts(asked, log);
    const temporalSpec = config.temporal.mode === 'local' ? temporalServer(config, log) : undefined;
    const minioSpec = credentials ? minioServer(config, () => credentials, log) : undefined;
    const [temporal, minio] = await Promise.allSettled([
      temporalSpec ? startTemporal(config, temporalSpec, log) : ('remote' as const),
      minioSpec && credentials ? startMinio(config, minioSpec, credentials, log) : ('remote' as const),
    ]);
    if (temporal.status === 'rejected') throw temporal.reason;
    if (minio.status === 'rejected') throw minio.reason;
    if (temporalSpec || minioSpec) {
      recordStackInstance(config.stateDir);
      recordPorts(config.stateDir, portsOf(config));
    }
    const stack: LocalStack = {
      config,
      stateDir: config.stateDir,
      temporalAddress: config.temporal.address,
      namespace: config.temporal.namespace,
      uiUrl: config.temporal.uiUrl,
      s3Endpoint: config.storage.endpoint,
      bucket: config.storage.bucket,
      credentials: undefined,
      temporal: temporal.value,
      minio: minio.value,
    };
    Object.defineProperty(stack, 'credentials', { value: credentials, enumerable: false });
    return stack;
  });
}

/**
 * Servers of this state folder that already run keep their ports (unless set in the environment);
 * the ports of the others must be free, or move (port-choice.ts). Checked before anything starts,
 * so a taken port does not leave the other server half set up.
 */
async function settleLocalPorts(asked: LiteshipConfig, log: (msg: string) => void): Promise<LiteshipConfig> {
  const ports = portsOf(asked);
  const stopped: ManagedServer[] = [];
  for (const server of Object.values(localServers(asked))) {
    const st = await serverState(asked.stateDir, server);
    if (st.state !== 'running') {
      stopped.push(server);
      continue;
    }
    server.ports.forEach(({ name }, i) => {
      const running = st.ports[i];
      if (running !== undefined && !asked.local.explicitPorts.includes(name)) ports[name] = running;
    });
  }
  const settled = await settlePorts(withLocalPorts(asked, ports), stopped);
  for (const line of describeMoves(settled.moved, asked.stateDir)) log(line);
  return settled.config;
}

async function startOne(config: LiteshipConfig, server: ManagedServer, log: (msg: string) => void): Promise<'started' | 'already-running'> {
  const started = Date.now();
  const where = `${LOCAL_HOST}:${server.ports.map((p) => p.port).join('/')}`;
  const outcome = await ensureServer(config.stateDir, server, config.local.startTimeoutMs);
  log(
    outcome === 'started'
      ? `${server.title} started on ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s`
      : `${server.title} already running on ${where}`,
  );
  return outcome;
}

async function startTemporal(config: LiteshipConfig, server: ManagedServer, log: (msg: string) => void): Promise<'started' | 'already-running'> {
  const outcome = await startOne(config, server, log);
  const added = await registerMissingSearchAttributes(config);
  if (added.length > 0) log(`registered search attributes ${added.join(', ')}`);
  return outcome;
}

async function startMinio(
  config: LiteshipConfig,
  server: ManagedServer,
  credentials: S3Credentials,
  log: (msg: string) => void,
): Promise<'started' | 'already-running'> {
  const outcome = await startOne(config, server, log);
  if ((await ensureBucket({ ...config, storage: { ...config.storage, credentials } })) === 'created') log(`created bucket ${config.storage.bucket}`);
  return outcome;
}

export interface ServerStatus {
  name: 'temporal' | 'minio';
  mode: 'local' | 'remote';
  /** 'port-taken': not ours, but something else listens on one of our ports. */
  state: 'running' | 'stopped' | 'port-taken' | 'remote';
  pid?: number;
  address: string;
  uiUrl?: string;
  logFile?: string;
  /** For 'port-taken': which port and which env var moves it. */
  detail?: string;
}

export async function localStackStatus(config: LiteshipConfig): Promise<{ stateDir: string; servers: ServerStatus[] }> {
  const t = config.temporal;
  const s = config.storage;
  const local = localServers(config);
  const servers: ServerStatus[] = [
    { name: 'temporal', mode: t.mode, address: t.address, ...(t.uiUrl ? { uiUrl: t.uiUrl } : {}), ...(await stateOf(config, local.temporal)) },
    {
      name: 'minio',
      mode: s.mode,
      address: `${storageWhere(s)} bucket ${s.bucket}`,
      ...(local.minio ? { uiUrl: `http://${LOCAL_HOST}:${config.local.s3ConsolePort}` } : {}),
      ...(await stateOf(config, local.minio)),
    },
  ];
  return { stateDir: config.stateDir, servers };
}

/** The servers of this config that run locally (undefined when remote), for status and stop, which never start them. */
function localServers(config: LiteshipConfig): { temporal?: ManagedServer; minio?: ManagedServer } {
  return {
    ...(config.temporal.mode === 'local' ? { temporal: temporalServer(config, () => {}) } : {}),
    ...(config.storage.mode === 'local' ? { minio: minioServer(config, noCredentialsNeeded, () => {}) } : {}),
  };
}

async function stateOf(
  config: LiteshipConfig,
  server: ManagedServer | undefined,
): Promise<Pick<ServerStatus, 'state' | 'pid' | 'logFile' | 'detail'>> {
  if (!server) return { state: 'remote' };
  const st = await serverState(config.stateDir, server);
  if (st.state === 'running') return { state: 'running', pid: st.pid, logFile: st.logFile };
  if (st.state === 'port-taken') {
    const detail = portInUse(st.port, st.envVar, st.owner).message;
    // A port not set in the environment moves to a free one at the next start: the stack is just stopped.
    if (!config.local.explicitPorts.includes(st.name)) return { state: 'stopped', logFile: st.logFile, detail: `${detail.split(';')[0]}: \`liteship dev up\` will choose free ports` };
    return { state: 'port-taken', logFile: st.logFile, detail };
  }
  return { state: 'stopped', logFile: st.logFile };
}

/** Stops the local servers of this state folder (by their pid files); remote ones are left alone. */
export async function stopLocalStack(
  config: LiteshipConfig,
): Promise<{ temporal: 'stopped' | 'not-running' | 'remote'; minio: 'stopped' | 'not-running' | 'remote' }> {
  const local = localServers(config);
  const stop = async (server: ManagedServer | undefined) => (server ? stopServer(config.stateDir, server) : ('remote' as const));
  const [temporal, minio] = await Promise.all([stop(local.temporal), stop(local.minio)]);
  fs.rmSync(instanceFile(config.stateDir), { force: true });
  return { temporal, minio };
}

function noCredentialsNeeded(): S3Credentials {
  throw new Error('status and stop never start MinIO, so they need no credentials');
}


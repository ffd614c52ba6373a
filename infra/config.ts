// One place that reads liteship's environment. Remote Temporal when
// TEMPORAL_ADDRESS (or a Temporal profile) is set, remote S3 when
// LITESHIP_S3_BUCKET is set; anything not remote runs on the local stack.
import path from 'node:path';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, parseBool, parsePositiveInt } from './config-errors';
import { resolvePorts, type LocalPorts, type PortName } from './local-ports';
import { cacheDir, repoRoot } from './paths';
import { loadRemoteTemporalConfig, wantsRemoteTemporal, type TemporalConfig } from './temporal-config';

export { ConfigError } from './config-errors';
export type { TemporalConfig } from './temporal-config';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface StorageConfig {
  mode: 'local' | 'remote';
  /** Custom S3 endpoint URL; undefined means AWS S3 itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  /** Only for the local MinIO (filled in by the local stack); remote mode uses the AWS default credential chain. */
  credentials?: S3Credentials;
}

/** Ports and timeouts of the servers liteship starts itself (used in local mode only). */
export interface LocalStackSettings {
  temporalPort: number;
  temporalUiPort: number;
  s3Port: number;
  s3ConsolePort: number;
  /** Per-machine cache outside the clone for the pinned temporal CLI and MinIO binary. */
  cacheDir: string;
  /** How long to wait for a server to become ready after starting it. */
  startTimeoutMs: number;
  /** Ports set in the environment: used as they are, never moved to free ones. */
  explicitPorts: PortName[];
}

export interface LiteshipConfig {
  stateDir: string;
  temporal: TemporalConfig;
  storage: StorageConfig;
  local: LocalStackSettings;
}

export const LOCAL_HOST = '127.0.0.1';
export const LOCAL_BUCKET = 'liteship';
const DEFAULT_REGION = 'us-east-1';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LiteshipConfig {
  const stateDir = env.LITESHIP_STATE_DIR ? path.resolve(env.LITESHIP_STATE_DIR) : path.join(repoRoot(), '.liteship');
  const { ports, explicit } = resolvePorts(env, stateDir);
  const local: LocalStackSettings = {
    ...ports,
    cacheDir: cacheDir(env),
    startTimeoutMs: parsePositiveInt(env, 'LITESHIP_START_TIMEOUT_MS', 120_000),
    explicitPorts: explicit,
  };
  return { stateDir, temporal: loadTemporal(env, local), storage: loadStorage(env, local), local };
}

/** The same config with the local servers on other ports (addresses and UI link follow); remote parts are unchanged. */
export function withLocalPorts(config: LiteshipConfig, ports: LocalPorts): LiteshipConfig {
  const local = { ...config.local, ...ports };
  const t = config.temporal;
  const s = config.storage;
  return {
    ...config,
    local,
    temporal: t.mode === 'local' ? { ...t, address: `${LOCAL_HOST}:${local.temporalPort}`, uiUrl: `http://${LOCAL_HOST}:${local.temporalUiPort}` } : t,
    storage: s.mode === 'local' ? { ...s, endpoint: `http://${LOCAL_HOST}:${local.s3Port}` } : s,
  };
}

function loadTemporal(env: NodeJS.ProcessEnv, local: LocalStackSettings): TemporalConfig {
  if (wantsRemoteTemporal(env)) return loadRemoteTemporalConfig(env);
  return {
    mode: 'local',
    address: `${LOCAL_HOST}:${local.temporalPort}`,
    namespace: 'default',
    uiUrl: `http://${LOCAL_HOST}:${local.temporalUiPort}`,
    source: 'local dev server',
  };
}

function loadStorage(env: NodeJS.ProcessEnv, local: LocalStackSettings): StorageConfig {
  const bucket = env.LITESHIP_S3_BUCKET?.trim();
  if (!bucket) {
    return {
      mode: 'local',
      endpoint: `http://${LOCAL_HOST}:${local.s3Port}`,
      region: DEFAULT_REGION,
      bucket: LOCAL_BUCKET,
      forcePathStyle: true,
    };
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(
      `LITESHIP_S3_BUCKET=${JSON.stringify(bucket)} is not a valid bucket name: use 3-63 lowercase letters, digits, dots or hyphens`,
    );
  }
  const endpoint = env.LITESHIP_S3_ENDPOINT?.trim() || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(endpoint)) {
    throw new ConfigError(
      `LITESHIP_S3_ENDPOINT=${JSON.stringify(endpoint)} is not an http(s) URL: use e.g. https://s3.example.com or http://127.0.0.1:9000`,
    );
  }
  return {
    mode: 'remote',
    ...(endpoint ? { endpoint: endpoint.replace(/\/+$/, '') } : {}),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION,
    bucket,
    // Custom endpoints (MinIO, Ceph, R2...) usually need path-style URLs; AWS S3 prefers virtual-host style.
    forcePathStyle: parseBool(env, 'LITESHIP_S3_FORCE_PATH_STYLE') ?? endpoint !== undefined,
  };
}

/** Where the storage is, for messages: its endpoint URL, or "AWS S3 (region)". */
export function storageWhere(s: StorageConfig): string {
  return s.endpoint ?? `AWS S3 (${s.region})`;
}

/** Options that fit both `Connection.connect` (@temporalio/client) and `NativeConnection.connect` (@temporalio/worker). */
export function connectionOptionsFor(config: LiteshipConfig): ConnectionOptions & NativeConnectionOptions {
  const t = config.temporal;
  return {
    address: t.address,
    ...(t.tls !== undefined ? { tls: t.tls } : {}),
    ...(t.apiKey !== undefined ? { apiKey: t.apiKey } : {}),
    ...(t.metadata ? { metadata: t.metadata } : {}),
  };
}

/** Where things point, for humans and logs. Never contains API keys, TLS keys, gRPC header values or S3 secrets. */
export function describeConfig(config: LiteshipConfig): string {
  const t = config.temporal;
  const s = config.storage;
  const auth = [
    t.tls ? `tls on${typeof t.tls === 'object' && t.tls.clientCertPair ? ' (client certificate)' : ''}` : 'tls off',
    t.apiKey ? 'api key set' : undefined,
    t.metadata ? `grpc headers: ${Object.keys(t.metadata).join(', ')}` : undefined,
  ].filter((x): x is string => x !== undefined);
  const lines = [
    `state folder: ${config.stateDir}`,
    `temporal: ${t.mode} ${t.address} namespace ${t.namespace} (${auth.join(', ')}; from ${t.source})`,
    `temporal ui: ${t.uiUrl ?? 'unknown (set LITESHIP_TEMPORAL_UI_URL)'}`,
    `storage: ${s.mode} s3://${s.bucket} at ${s.endpoint ?? `AWS S3 ${s.region}`} (region ${s.region}, ` +
      `${s.forcePathStyle ? 'path-style' : 'virtual-hosted'} urls, credentials: ${
        s.mode === 'local' ? `local MinIO, kept in ${path.join(config.stateDir, 'minio-credentials.json')}` : 'AWS default chain'
      })`,
  ];
  return lines.join('\n');
}

/** Link to a workflow in the Temporal Web UI, when the UI address is known. */
export function workflowUrlFor(config: LiteshipConfig, workflowId: string): string | undefined {
  const uiUrl = config.temporal.uiUrl;
  return uiUrl ? `${uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}` : undefined;
}

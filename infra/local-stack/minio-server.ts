// The pinned MinIO server on loopback only (its defaults listen on every
// interface: ':9000' and a random console port), root credentials from the
// state folder passed through the child's environment.
import path from 'node:path';
import { LOCAL_HOST, type LiteshipConfig, type S3Credentials } from '../config';
import type { ManagedServer } from './managed-server';
import { resolveMinioBinary } from './minio-binary';

export function minioServer(
  config: LiteshipConfig,
  credentials: () => S3Credentials,
  log: (msg: string) => void,
): ManagedServer {
  const { s3Port, s3ConsolePort, cacheDir } = config.local;
  return {
    id: 'minio',
    title: 'MinIO server',
    ports: [
      { name: 's3Port', port: s3Port, envVar: 'LITESHIP_S3_PORT' },
      { name: 's3ConsolePort', port: s3ConsolePort, envVar: 'LITESHIP_S3_CONSOLE_PORT' },
    ],
    resolveBinary: () => resolveMinioBinary(cacheDir, log),
    args: () => [
      'server',
      path.join(config.stateDir, 'minio-data'),
      '--address',
      `${LOCAL_HOST}:${s3Port}`,
      '--console-address',
      `${LOCAL_HOST}:${s3ConsolePort}`,
    ],
    env: () => minioEnv(credentials()),
    cacheDir,
    checkReady: async () => {
      const res = await fetch(`http://${LOCAL_HOST}:${s3Port}/minio/health/live`, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`health check answered HTTP ${res.status}`);
    },
  };
}

function minioEnv(credentials: S3Credentials): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Drop the caller's MINIO_* settings (addresses, other root users) so only ours apply.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MINIO_')) env[k] = v;
  return {
    ...env,
    MINIO_ROOT_USER: credentials.accessKeyId,
    MINIO_ROOT_PASSWORD: credentials.secretAccessKey,
    MINIO_UPDATE: 'off',
    MINIO_CALLHOME_ENABLE: 'off',
  };
}

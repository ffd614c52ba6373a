// The real Temporal CLI dev server, with SQLite in the state folder (runs
// survive restarts), liteship's search attributes, and a deliberately small
// 64 KiB blob limit that proves only references travel through history.
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeRegistrations } from '../../contracts/search-attributes';
import { LOCAL_HOST, type LiteshipConfig } from '../config';
import type { ManagedServer } from './managed-server';
import { resolveTemporalBinary } from './temporal-binary';

/** The search attributes the release workflow sets (one list, in contracts/), as `Name=Type`. */
export const SEARCH_ATTRIBUTES = searchAttributeRegistrations();
export const BLOB_SIZE_ERROR_BYTES = 65_536;

export function temporalServer(config: LiteshipConfig, log: (msg: string) => void): ManagedServer {
  const { temporalPort, temporalUiPort, cacheDir } = config.local;
  const address = `${LOCAL_HOST}:${temporalPort}`;
  return {
    id: 'temporal',
    title: 'Temporal dev server',
    ports: [
      { name: 'temporalPort', port: temporalPort, envVar: 'LITESHIP_TEMPORAL_PORT' },
      { name: 'temporalUiPort', port: temporalUiPort, envVar: 'LITESHIP_TEMPORAL_UI_PORT' },
    ],
    resolveBinary: () => resolveTemporalBinary(cacheDir, log),
    args: () => [
      'server',
      'start-dev',
      '--db-filename',
      path.join(config.stateDir, 'temporal.sqlite'),
      '--ip',
      LOCAL_HOST,
      '--port',
      String(temporalPort),
      '--ui-port',
      String(temporalUiPort),
      '--namespace',
      config.temporal.namespace,
      ...SEARCH_ATTRIBUTES.flatMap((registration) => ['--search-attribute', registration]),
      '--dynamic-config-value',
      `limit.blobSize.error=${BLOB_SIZE_ERROR_BYTES}`,
      '--dynamic-config-value',
      `limit.blobSize.warn=${BLOB_SIZE_ERROR_BYTES / 2}`,
      '--log-level',
      'warn',
    ],
    env: () => ({ ...process.env }),
    cacheDir,
    checkReady: async () => {
      // A listening port is not enough: the frontend must answer and the namespace must exist.
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.describeNamespace({ namespace: config.temporal.namespace });
      } finally {
        await connection.close();
      }
    },
  };
}

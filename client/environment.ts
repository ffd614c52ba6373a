/**
 * The one way the CLI and the worker reach Temporal and storage: read the environment, start the
 * local stack when nothing remote is configured, connect.
 */
import { Client, Connection } from '@temporalio/client';
import { ServiceUnavailableError } from './errors';
import { connectionOptionsFor, loadConfig, workflowUrlFor, type LiteshipConfig } from '../infra/config';
import type { ObjectStore } from '../infra/object-store';
import { prepareServices } from '../infra/prepare-services';
import { createObjectStore } from '../infra/s3-object-store';

export interface LiteshipEnvironment {
  config: LiteshipConfig;
  client: Client;
  store: ObjectStore;
  /** Link to a workflow in the Temporal Web UI, when the UI address is known. */
  workflowUrl(workflowId: string): string | undefined;
  close(): Promise<void>;
}

export async function openEnvironment(log: (line: string) => void, asked = loadConfig()): Promise<LiteshipEnvironment> {
  const config = await prepareServices(asked, log);
  const connection = await Connection.connect(connectionOptionsFor(config)).catch((err: unknown) => {
    const t = config.temporal;
    const fix = t.mode === 'local'
      ? "check `liteship dev status` (its log shows why the server stopped), or run `liteship dev up`"
      : 'check TEMPORAL_ADDRESS and its TLS or API key settings, or unset TEMPORAL_ADDRESS to use a local stack';
    throw new ServiceUnavailableError(`cannot reach Temporal at ${t.address} (${err instanceof Error ? err.message : String(err)}): ${fix}`, { cause: err });
  });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return {
    config,
    client,
    store: createObjectStore(config),
    workflowUrl: (id) => workflowUrlFor(config, id),
    close: () => connection.close(),
  };
}

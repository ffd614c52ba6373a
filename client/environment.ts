/**
 * The one way the CLI and the worker reach Temporal and storage: read the environment, start the
 * local stack when nothing remote is configured, connect.
 */
import { Client, Connection } from '@temporalio/client';
import { connectionOptionsFor, loadConfig, type LiteshipConfig } from '../infra/config';
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

export async function openEnvironment(log: (line: string) => void, config = loadConfig()): Promise<LiteshipEnvironment> {
  await prepareServices(config, log);
  const connection = await Connection.connect(connectionOptionsFor(config));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const uiUrl = config.temporal.uiUrl;
  return {
    config,
    client,
    store: createObjectStore(config),
    workflowUrl: (id) => (uiUrl ? `${uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(id)}` : undefined),
    close: () => connection.close(),
  };
}

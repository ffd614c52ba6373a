/** Shared by the CLI and the worker: start whatever part of the local stack the configuration needs. */
import type { LiteshipConfig } from './config';
import { ensureLocalStack } from './local-stack';

/** A no-op against remote services. Returns the config to connect with: local ports may have moved (local-stack/port-choice.ts). */
export async function prepareServices(config: LiteshipConfig, log: (line: string) => void): Promise<LiteshipConfig> {
  if (config.temporal.mode === 'local' || config.storage.mode === 'local') return (await ensureLocalStack(config, { log })).config;
  return config;
}

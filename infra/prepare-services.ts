/** Shared by the CLI and the worker: start whatever part of the local stack the configuration needs. */
import type { LiteshipConfig } from './config';
import { ensureLocalStack } from './local-stack';

/** A no-op against remote services. */
export async function prepareServices(config: LiteshipConfig, log: (line: string) => void): Promise<void> {
  if (config.temporal.mode === 'local' || config.storage.mode === 'local') await ensureLocalStack(config, { log });
}

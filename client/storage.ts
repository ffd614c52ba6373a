/** Storage alone, for commands that do not need Temporal (releases, pull). */
import { loadConfig } from '../infra/config';
import { ensureLocalStack } from '../infra/local-stack';
import type { ObjectStore } from '../infra/object-store';
import { createObjectStore } from '../infra/s3-object-store';

export async function openStorage(log: (line: string) => void): Promise<ObjectStore> {
  const asked = loadConfig();
  const config = asked.storage.mode === 'local' ? (await ensureLocalStack(asked, { log })).config : asked;
  return createObjectStore(config);
}

// Jest globalSetup (project "integration"): makes sure the real local stack
// for tests runs, on its own state folder and ports so it never touches a
// developer's stack on 7233/9000. The variables it sets here reach the tests.
//
// Teardown (global-teardown.ts): servers started here and the local workers the
// tests started are stopped at the end, unless LITESHIP_KEEP_STACK=1; servers
// that were already running are left alone. State lives in
// LITESHIP_TEST_STATE_DIR (default <repo>/.liteship/test-stack).
import { loadConfig } from '../../infra/config';
import { ensureLocalStack } from '../../infra/local-stack';
import { applyTestStackEnv, seedTestStackPorts } from './stack';

/** Set when this run started a server, so the teardown (same process) knows to stop the stack. */
export const STARTED_BY_SETUP_ENV = 'LITESHIP_TEST_STACK_STARTED_BY_SETUP';

export default async function globalSetup(): Promise<void> {
  applyTestStackEnv(process.env);
  seedTestStackPorts(process.env.LITESHIP_STATE_DIR!);
  const config = loadConfig(process.env);
  const started = Date.now();
  // Ports held by another checkout's test stack move to free ones, recorded in the state folder's ports.json,
  // where the tests' loadConfig() finds them.
  const stack = await ensureLocalStack(config, { log: (line) => process.stderr.write(`[test stack] ${line}\n`) });
  if (stack.temporal === 'started' || stack.minio === 'started') process.env[STARTED_BY_SETUP_ENV] = '1';
  const { temporalPort, s3Port } = stack.config.local;
  process.stderr.write(`[test stack] ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${config.stateDir}, Temporal ${temporalPort}, MinIO ${s3Port})\n`);
}

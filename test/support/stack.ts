// Where the integration-test stack runs (started by global-setup.ts), for tests.
import path from 'node:path';
import { loadConfig, type LiteshipConfig } from '../../infra/config';
import { readLocalCredentials } from '../../infra/local-stack';
import { PORT_ENV, readRecordedPorts, recordPorts, type LocalPorts } from '../../infra/local-ports';
import { repoRoot } from '../../infra/paths';

/**
 * Test-stack defaults, seeded into its state folder's ports.json: like any recorded port, each moves
 * to a free one when another checkout's stack holds it. LITESHIP_TEST_<NAME> sets one explicitly.
 */
const TEST_PORTS: LocalPorts = { temporalPort: 17233, temporalUiPort: 18233, s3Port: 19000, s3ConsolePort: 19001 };

/** The variables that switch Temporal or storage to remote. */
export const REMOTE_SWITCHES = ['TEMPORAL_ADDRESS', 'TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE', 'LITESHIP_S3_BUCKET'] as const;

/**
 * Points liteship's own variables at the test stack: state folder, ports, and
 * local mode for both servers (tests need the dev server's 64 KiB blob limit,
 * so a TEMPORAL_ADDRESS or LITESHIP_S3_BUCKET from the shell is ignored).
 */
export function applyTestStackEnv(env: NodeJS.ProcessEnv): void {
  env.LITESHIP_STATE_DIR = env.LITESHIP_TEST_STATE_DIR || path.join(repoRoot(), '.liteship', 'test-stack');
  for (const name of Object.values(PORT_ENV)) {
    const explicit = env[name.replace('LITESHIP_', 'LITESHIP_TEST_')];
    if (explicit) env[name] = explicit;
    else delete env[name]; // the test stack's recorded ports, not the developer's stack's
  }
  for (const name of REMOTE_SWITCHES) delete env[name];
}

/** Before the test stack first starts in a state folder: its default ports (17233, 18233, 19000, 19001). */
export function seedTestStackPorts(stateDir: string): void {
  if (!readRecordedPorts(stateDir)) recordPorts(stateDir, TEST_PORTS);
}

/** liteship's config for the test stack, MinIO credentials filled in, as the worker and CLI would see it. */
export function testConfig(): LiteshipConfig {
  const env = { ...process.env };
  applyTestStackEnv(env);
  const config = loadConfig(env);
  const credentials = readLocalCredentials(config.stateDir);
  if (!credentials) {
    throw new Error(
      `no test stack in ${config.stateDir}: run integration tests through jest's "integration" project so its globalSetup starts the stack`,
    );
  }
  return { ...config, storage: { ...config.storage, credentials } };
}

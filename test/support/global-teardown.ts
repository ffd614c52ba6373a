// Jest globalTeardown (project "integration"): nothing the tests started is left running. The local
// workers the tests started are stopped, and so are the servers globalSetup started; servers that were
// already running before (`liteship dev up`, `.ci/run`) are left to whoever started them.
// LITESHIP_KEEP_STACK=1 keeps everything running, for a faster next run while developing.
import { stopLocalWorkersAndWait } from '../../client/local-workers';
import { loadConfig } from '../../infra/config';
import { stopLocalStack } from '../../infra/local-stack';
import { STARTED_BY_SETUP_ENV } from './global-setup';
import { applyTestStackEnv } from './stack';

export default async function globalTeardown(): Promise<void> {
  if (process.env.LITESHIP_KEEP_STACK === '1') {
    process.stderr.write('[test stack] LITESHIP_KEEP_STACK=1: leaving the test stack and its workers running\n');
    return;
  }
  applyTestStackEnv(process.env);
  const config = loadConfig(process.env);
  const workers = await stopLocalWorkersAndWait(config);
  if (workers.length > 0) process.stderr.write(`[test stack] stopped the local ${workers.join(' and ')} worker(s)\n`);
  if (process.env[STARTED_BY_SETUP_ENV] === '1') {
    await stopLocalStack(config);
    process.stderr.write(`[test stack] stopped the servers this run started (${config.stateDir}); LITESHIP_KEEP_STACK=1 keeps them\n`);
  }
}

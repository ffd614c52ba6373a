/**
 * Named pause points for the fault-matrix tests (test/integration/faults). Inert unless the worker
 * was started with LITESHIP_TEST_FAULT_POINT (a comma-separated list) naming this point and LITESHIP_TEST_FAULT_DIR: then the
 * first worker to reach it writes `<dir>/<point>` (holding its pid) and waits until `<dir>/<point>.go`
 * exists, so a test can kill the worker or stop a server at an exact moment. Only once per folder.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';

export type FaultPointName =
  | 'train:before-checkpoint'
  | 'train:after-checkpoint'
  | 'prune:after-checkpoint'
  | 'convert:start'
  | 'benchmark:start'
  | 'publish:after-claim'
  | 'publish:after-manifest';

export async function faultPoint(name: FaultPointName): Promise<void> {
  const dir = process.env.LITESHIP_TEST_FAULT_DIR;
  if (!dir || !(process.env.LITESHIP_TEST_FAULT_POINT ?? '').split(',').includes(name)) return;
  // Only the test's own runs pause, never a leftover run of an earlier test that this worker picks up.
  const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
  if (!workflowId.startsWith(process.env.LITESHIP_TEST_FAULT_WORKFLOW ?? '')) return;
  const marker = path.join(dir, name);
  try {
    writeFileSync(marker, String(process.pid), { flag: 'wx' });
  } catch {
    return; // already reached once (by this worker or its replacement): carry on
  }
  while (!existsSync(`${marker}.go`)) await sleep(100);
}

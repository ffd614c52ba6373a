/**
 * Named pause points for the fault-matrix tests (test/integration/faults). Inert unless the worker
 * was started with LITESHIP_TEST_FAULT_DIR and LITESHIP_TEST_FAULT_POINT, a comma-separated list of
 * `<point>@<workflow-id prefix>`: then the first worker to reach that point in a run whose workflow
 * id starts with that prefix writes `<dir>/<entry>` (holding its pid) and waits until
 * `<dir>/<entry>.go` exists, so a test can kill the worker or stop a server at an exact moment.
 * Each entry pauses once per folder. Keying entries by run lets one set of workers serve several
 * fault runs at once, each pausing only where its own test expects it (and never a leftover run).
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

/** The entry that arms `point` for the runs whose workflow ids start with `workflowPrefix` (also the marker's file name). */
export const faultEntry = (point: FaultPointName, workflowPrefix: string): string => `${point}@${workflowPrefix}`;

export async function faultPoint(name: FaultPointName): Promise<void> {
  const dir = process.env.LITESHIP_TEST_FAULT_DIR;
  const armed = process.env.LITESHIP_TEST_FAULT_POINT;
  if (!dir || !armed) return;
  const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
  for (const entry of armed.split(',')) {
    const at = entry.indexOf('@');
    if (at < 0 || entry.slice(0, at) !== name || !workflowId.startsWith(entry.slice(at + 1))) continue;
    const marker = path.join(dir, entry);
    try {
      writeFileSync(marker, String(process.pid), { flag: 'wx' });
    } catch {
      continue; // already reached once (by this worker or its replacement): carry on
    }
    while (!existsSync(`${marker}.go`)) await sleep(100);
  }
}

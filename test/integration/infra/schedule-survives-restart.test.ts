/**
 * A schedule lives in the Temporal server's database, not in a CLI or worker: after the dev server
 * is stopped and started again on the same SQLite file, `liteship schedule describe` shows it with
 * its timing, note, pause state and next runs, and it can still be deleted.
 */
import { ensureLocalStack } from '../../../infra/local-stack';
import { stopServer } from '../../../infra/local-stack/managed-server';
import { temporalServer } from '../../../infra/local-stack/temporal-server';
import { runCli } from '../../support/cli';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';

const { config } = useTestServices();

interface Described {
  paused: boolean;
  note?: string;
  nextRuns: string[];
  memo: { timing: string; model: string };
}

it('survives a restart of the Temporal dev server (same SQLite file)', async () => {
  const model = uniqueModelName('sched-restart');
  const specFile = writeSpec(tempDir(), 'spec', { model, data: { source: 'mnist' }, training: { epochs: 1 } });
  const id = `${model}-weekly`;
  expect((await runCli(['schedule', 'create', specFile, '--cron', '0 3 * * 1', '--id', id])).code).toBe(0);
  expect((await runCli(['schedule', 'pause', id, '--note', 'before the restart'])).code).toBe(0);
  const describe = async () => JSON.parse((await runCli(['schedule', 'describe', id, '--json'])).stdout) as Described;
  const before = await describe();

  expect(await stopServer(config.stateDir, temporalServer(config, () => undefined))).toBe('stopped');
  await ensureLocalStack(config);

  const after = await describe();
  expect(after).toMatchObject({ paused: true, note: 'before the restart', memo: { timing: 'cron "0 3 * * 1" (UTC)', model } });
  expect(after.nextRuns).toEqual(before.nextRuns);
  expect(new Date(after.nextRuns[0]!).getUTCDay()).toBe(1); // a Monday
  expect((await runCli(['schedule', 'delete', id])).code).toBe(0);
  expect((await runCli(['schedule', 'describe', id])).code).not.toBe(0);
});

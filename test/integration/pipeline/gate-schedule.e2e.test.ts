/**
 * On the real stack with tiny MNIST subsets (1 epoch MLPs, float32 only): the regression gate
 * against a channel (a worse recipe is published but does not move stable, a better one does) and
 * a Temporal Schedule (trigger: released, then unchanged; new data: a new release that moves latest).
 */
import { copyFileSync } from 'node:fs';
import type { ChannelEntry, ReleaseManifest, ReleaseResult, RunOutcome } from '../../../contracts';
import { loadMnist, sliceImageSet } from '../../../ml';
import { ExitCode } from '../../../client/exit-codes';
import { runCli } from '../../support/cli';
import { idxDataSpec } from '../../support/idx-files';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';

const { store, client } = useTestServices();
const mnist = loadMnist();
const test = sliceImageSet(mnist.test, 0, 500);

const manifestOf = async (model: string, version: string) =>
  JSON.parse(new TextDecoder().decode(await store.get(`${model}/${version}/manifest.json`))) as ReleaseManifest;
const channelsOf = async (model: string) =>
  Object.fromEntries((JSON.parse((await runCli(['channels', model, '--json'])).stdout) as ChannelEntry[]).map((c) => [c.channel, c.version]));

describe('regression gate against stable', () => {
  const model = uniqueModelName('ops-gate');
  const promote = { to: 'stable', ifNotWorseThan: { accuracyPoints: 0.5 } };
  const spec = (name: string, trainCount: number, epochs: number) =>
    writeSpec(tempDir(), name, { model, data: idxDataSpec(tempDir(), sliceImageSet(mnist.train, 0, trainCount), test), training: { epochs, seed: 5 }, variants: ['float32'], promote });

  async function run(file: string) {
    const r = await runCli(['run', file, '--json']);
    expect(r.stderr).not.toContain('unexpected error');
    return { code: r.code, ...(JSON.parse(r.stdout) as { workflowId: string; outcome: RunOutcome; result: ReleaseResult }) };
  }

  it('sets an empty stable, keeps it when a worse recipe is released, and moves it for a better one', async () => {
    const first = await run(spec('base', 3000, 1));
    expect(first.code).toBe(0);
    expect(first.result.channels).toEqual([
      { moved: true, channel: 'latest', version: 'v1' },
      { moved: true, channel: 'stable', version: 'v1' },
    ]);
    expect((await manifestOf(model, 'v1')).regression?.text).toBe('stable had no release: set to this release');

    // 10x less data: published (releases are records) but stable stays, with both numbers and the budget.
    const worse = await run(spec('worse', 300, 1));
    expect(worse.code).toBe(ExitCode.channelNotMoved);
    expect(worse.result.version).toBe('v2');
    expect(worse.outcome.label).toBe('released (channel not moved)');
    const verdict = (await manifestOf(model, 'v2')).regression!;
    expect(verdict.passed).toBe(false);
    expect(verdict.head?.version).toBe('v1');
    expect(verdict.text).toMatch(/^stable stays at v1: accuracy \d+\.\d\d% vs \d+\.\d\d% \(-\d+\.\d\d points, budget 0\.5\)$/);
    expect(worse.outcome.text).toBe(`released (channel not moved: ${verdict.text})`);
    // Both measured in this run's benchmark step: v1's file was benchmarked again, on this test set.
    const history = await client().workflow.getHandle(worse.workflowId).fetchHistory();
    const benchmarked = (history.events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a?.activityType?.name === 'benchmark' ? [JSON.parse(Buffer.from(a.input!.payloads![0]!.data!).toString()) as { tflite: { uri: string } }] : [];
    });
    expect(benchmarked.map((b) => b.tflite.uri.replace(/^s3:\/\/[^/]+\//, ''))).toEqual([expect.stringMatching(/^_liteship\/runs\/.*float32\.tflite$/), `${model}/v1/model.tflite`]);
    const described = await client().workflow.getHandle(worse.workflowId).describe();
    expect(described.searchAttributes.LiteshipOutcome).toEqual(['released (channel not moved)']);
    expect(await channelsOf(model)).toEqual({ latest: 'v2', stable: 'v1' });

    // Twice the data and epochs: better than v1, so stable moves, and the run says why.
    const better = await run(spec('better', 6000, 2));
    expect(better.code).toBe(0);
    expect(better.result.channels?.[1]).toEqual({ moved: true, channel: 'stable', version: 'v3' });
    const stable = (JSON.parse((await runCli(['history', model, '--channel', 'stable', '--json'])).stdout) as ChannelEntry[]).at(-1)!;
    expect(stable.reason).toMatch(/^stable v1 -> v3: accuracy \d+\.\d\d% vs \d+\.\d\d% \(\+?-?\d+\.\d\d points, budget 0\.5\)$/);
    expect(await channelsOf(model)).toEqual({ latest: 'v3', stable: 'v3' });
    const described3 = await client().workflow.getHandle(better.workflowId).describe();
    expect(described3.searchAttributes.LiteshipChannel).toEqual(['stable']);
  });

  it('rejects a promote section that names latest or a bad budget', async () => {
    const bad = writeSpec(tempDir(), 'bad-promote', { model, data: { source: 'mnist' }, promote: { to: 'latest', ifNotWorseThan: { accuracyPoints: -1 } } });
    const r = await runCli(['run', bad]);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.stderr).toMatch(/promote\.to: "latest" moves to every release by itself/);
    expect(r.stderr).toMatch(/promote\.ifNotWorseThan\.accuracyPoints: must be a number between 0 and 1000, got -1/);
  });
});

describe('liteship schedule', () => {
  const dir = tempDir();
  const model = uniqueModelName('ops-sched');
  const data = idxDataSpec(dir, sliceImageSet(mnist.train, 0, 2000), test);
  const specFile = writeSpec(dir, 'scheduled', { model, data, training: { epochs: 1, seed: 9 }, variants: ['float32'] });
  const id = `${model}-nightly`;

  interface Described {
    paused: boolean;
    note?: string;
    nextRuns: string[];
    recent: Array<{ workflowId: string; runId: string; outcome: string }>;
  }
  const describe = async () => JSON.parse((await runCli(['schedule', 'describe', id, '--json'])).stdout) as Described;

  /** Triggers the schedule and waits for the run it starts to finish; returns that run's outcome. */
  async function triggerAndWait(): Promise<{ workflowId: string; runId: string; outcome: string }> {
    const before = (await describe()).recent.length;
    expect((await runCli(['schedule', 'trigger', id])).code).toBe(0);
    let recent: Described['recent'] = [];
    for (let i = 0; i < 120 && recent.length <= before; i++) {
      await new Promise((r) => setTimeout(r, 500));
      recent = (await describe()).recent;
    }
    // By run id: runs triggered within one second share a workflow id.
    const { workflowId, runId } = recent[before]!;
    await client().workflow.getHandle(workflowId, runId).result();
    return (await describe()).recent[before]!;
  }

  afterAll(async () => {
    await runCli(['schedule', 'delete', id]);
  });

  it('creates a schedule whose runs release, then end unchanged, then release new data and move latest', async () => {
    const created = await runCli(['schedule', 'create', specFile, '--every', '1d', '--id', id]);
    expect(created.stdout).toMatch(new RegExp(`^schedule ${id}: releases ${model} every 1d, overlap skip; next run \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\n$`));
    expect((await runCli(['schedule', 'list'])).stdout).toContain(`${id}  active  every 1d`);

    expect((await triggerAndWait()).outcome).toBe('released v1');
    expect((await triggerAndWait()).outcome).toBe('unchanged');
    // New data at the same path: the schedule reads it fresh, so the next run is a new release.
    const fresh = idxDataSpec(tempDir(), sliceImageSet(mnist.train, 2000, 4000), test);
    copyFileSync(fresh.trainImages, data.trainImages);
    copyFileSync(fresh.trainLabels, data.trainLabels);
    expect((await triggerAndWait()).outcome).toBe('released v2');
    expect(await channelsOf(model)).toEqual({ latest: 'v2' });

    const text = await runCli(['schedule', 'describe', id]);
    expect(text.stdout).toMatch(/last runs\n.*released v1 .*\n.*unchanged .*\n.*released v2 /);
    expect((await runCli(['schedule', 'pause', id, '--note', 'data migration'])).stdout).toBe(`schedule ${id}: paused\n`);
    expect(await describe()).toMatchObject({ paused: true, note: 'data migration' });
    expect((await runCli(['schedule', 'unpause', id])).code).toBe(0);
    expect((await describe()).paused).toBe(false);
  });

  it('refuses bad input with a clear error and creates nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['schedule', 'create', specFile, '--cron', '0 3 * *', '--id', `${id}-x`], /invalid --cron "0 3 \* \*": it has 4 fields/],
      [['schedule', 'create', specFile, '--cron', '61 3 * * 1', '--id', `${id}-x`], /the minute field has 61, outside 0-59/],
      [['schedule', 'create', specFile, '--every', '1 day', '--id', `${id}-x`], /invalid --every "1 day": use a whole number and a unit/],
      [['schedule', 'create', specFile, '--every', '10s', '--id', `${id}-x`], /at least 1 minute/],
      [['schedule', 'create', specFile, '--every', '1d', '--id', id], new RegExp(`a schedule ${id} already exists`)],
      [['schedule', 'trigger', `${id}-nope`], new RegExp(`no schedule "${id}-nope"; schedules: .*${id}`)],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.stderr).toMatch(message);
    }
    expect((await runCli(['schedule', 'list'])).stdout).not.toContain(`${id}-x`);
  });
});

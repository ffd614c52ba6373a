/**
 * Running unattended, on the real stack with a tiny MNIST subset (3000 train / 500 test images,
 * 1 epoch): the recipe key (`unchanged` in seconds, --force, train reuse, plan), channels (latest
 * moves by itself; promote, rollback, concurrent promote, pull by channel) and bad input.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChannelEntry, RecipePlan, ReleaseManifest, ReleaseResult, RunOutcome, UnchangedResult } from '../../../contracts';
import { loadMnist, sliceImageSet } from '../../../ml';
import { ExitCode } from '../../../client/exit-codes';
import { runCli } from '../../support/cli';
import { idxDataSpec } from '../../support/idx-files';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';

const { store, client } = useTestServices();

interface RunJson {
  workflowId: string;
  status: string;
  outcome: RunOutcome;
  result: ReleaseResult & Partial<UnchangedResult>;
}

async function run(spec: string, ...flags: string[]): Promise<{ code: number; out: RunJson; stderr: string }> {
  const r = await runCli(['run', spec, '--json', ...flags]);
  expect(r.stderr).not.toContain('unexpected error');
  return { code: r.code, out: JSON.parse(r.stdout) as RunJson, stderr: r.stderr };
}

async function activitiesOf(workflowId: string): Promise<string[]> {
  const history = await client().workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}

async function plan(spec: string): Promise<RecipePlan> {
  const r = await runCli(['plan', spec, '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as RecipePlan;
}

async function versions(model: string): Promise<string[]> {
  const r = await runCli(['releases', model, '--json']);
  return (JSON.parse(r.stdout) as { version: string }[]).map((x) => x.version);
}

const manifestOf = async (model: string, version: string) =>
  JSON.parse(new TextDecoder().decode(await store.get(`${model}/${version}/manifest.json`))) as ReleaseManifest;

describe('recipe key and channels on the real stack', () => {
  const dir = tempDir();
  const model = uniqueModelName('ops-e2e');
  const mnist = loadMnist();
  const data = idxDataSpec(dir, sliceImageSet(mnist.train, 0, 3000), sliceImageSet(mnist.test, 0, 500));
  const base = { model, architecture: 'mlp', data, training: { epochs: 1, seed: 3 }, variants: ['float32'] };
  const specFile = writeSpec(dir, 'base', base);
  const variantsFile = writeSpec(dir, 'variants', { ...base, variants: ['float32', 'dynamic-int8'] });
  const epochsFile = writeSpec(dir, 'epochs', { ...base, training: { epochs: 2, seed: 3 } });

  it('releases v1, moves latest to it and records the recipe key in the manifest', async () => {
    const { code, out } = await run(specFile);
    expect(code).toBe(0);
    expect(out.outcome).toEqual({ label: 'released', text: 'released' });
    expect(out.result.version).toBe('v1');
    expect(out.result.channels).toEqual([{ moved: true, channel: 'latest', version: 'v1' }]);
    const manifest = await manifestOf(model, 'v1');
    expect(manifest.recipe?.key).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.recipe?.parts.data).toBe(manifest.dataset.fingerprint);
    const described = await client().workflow.getHandle(out.workflowId).describe();
    expect(described.searchAttributes.LiteshipOutcome).toEqual(['released']);
  });

  it('ends the same recipe with the same data as `unchanged` in seconds, with no new version', async () => {
    const started = Date.now();
    const { code, out } = await run(specFile);
    const seconds = (Date.now() - started) / 1000;
    expect(code).toBe(ExitCode.unchanged);
    expect(out.outcome.label).toBe('unchanged');
    const v1 = await manifestOf(model, 'v1');
    expect(out.outcome.text).toBe(`unchanged: same as v1 (spec, data ${v1.dataset.fingerprint.slice(0, 8)}, code ${v1.recipe!.parts.code.slice(0, 7)})`);
    expect(out.result.unchanged?.version).toBe('v1');
    expect(seconds).toBeLessThan(15);
    expect(await activitiesOf(out.workflowId)).toEqual(['prepareData', 'lookupRecipe']);
    expect(await versions(model)).toEqual(['v1']);
    const text = await runCli(['status', out.workflowId]);
    expect(text.code).toBe(ExitCode.unchanged);
    expect(text.stdout).toContain('COMPLETED, unchanged: same as v1');
  });

  it('plans: nothing changed, variants changed (train reused), epochs changed, data changed; and writes nothing', async () => {
    const before = (await store.list('_liteship/recipes/')).keys.length;
    const same = await plan(specFile);
    expect(same.changed).toEqual([]);
    expect(same.unchanged?.version).toBe('v1');

    const variants = await plan(variantsFile);
    expect(variants.changed).toEqual(['spec: variants']);
    expect(variants.steps.find((s) => s.step === 'train')).toEqual({ step: 'train', action: 'reuse', why: expect.stringContaining('reused from v1') });

    const epochs = await plan(epochsFile);
    expect(epochs.changed).toEqual(['spec: training.epochs']);
    expect(epochs.steps.find((s) => s.step === 'train')).toEqual({ step: 'train', action: 'run', why: 'changed since v1: spec: training.epochs' });

    const otherData = writeSpec(dir, 'other-data', { ...base, data: idxDataSpec(tempDir(), sliceImageSet(mnist.train, 3000, 6000), sliceImageSet(mnist.test, 0, 500)) });
    const data2 = await plan(otherData);
    expect(data2.changed).toEqual([`spec: data.testImages, data.testLabels, data.trainImages, data.trainLabels`, expect.stringMatching(/^data \([0-9a-f]{8} -> [0-9a-f]{8}\)$/)]);
    expect(data2.steps.find((s) => s.step === 'train')?.action).toBe('run');

    const text = await runCli(['plan', variantsFile]);
    expect(text.stdout).toMatch(/compared with v1 \(the latest release\): changed spec: variants\n/);
    expect(text.stdout).toMatch(/ {2}train +reuse +reused from v1/);
    expect((await store.list('_liteship/recipes/')).keys.length).toBe(before);
    expect(await versions(model)).toEqual(['v1']);
  });

  it('a spec that changes only the variants reuses the trained model: no train or evaluate activity', async () => {
    const { code, out } = await run(variantsFile);
    expect(code).toBe(0);
    expect(out.result.version).toBe('v2');
    expect(out.result.recipe?.trainedFrom).toBe('v1');
    const ran = await activitiesOf(out.workflowId);
    expect(ran).not.toContain('train');
    expect(ran).not.toContain('evaluate');
    expect(ran).toContain('convert');
    expect((await manifestOf(model, 'v2')).recipe?.trainedFrom).toBe('v1');
    const text = await runCli(['status', out.workflowId]);
    expect(text.stdout).toContain('train        reused from v1');
  });

  it('--force runs everything again and makes a new version; latest follows', async () => {
    const { code, out } = await run(specFile, '--force');
    expect(code).toBe(0);
    expect(out.result.version).toBe('v3');
    expect(await activitiesOf(out.workflowId)).toContain('train');
    const channels = JSON.parse((await runCli(['channels', model, '--json'])).stdout) as ChannelEntry[];
    expect(channels.map((c) => `${c.channel}=${c.version}`)).toEqual(['latest=v3']);
  });

  it('promotes, rolls back, settles a concurrent promotion with one winner, and pulls by channel', async () => {
    expect((await runCli(['promote', model, 'v1', '--to', 'stable', '--reason', 'first stable'])).stdout).toBe(`${model} stable -> v1 (new channel): first stable\n`);
    expect((await runCli(['promote', model, 'v2', '--to', 'stable'])).stdout).toBe(`${model} stable -> v2 (was v1): promoted v2\n`);
    const back = await runCli(['rollback', model, '--channel', 'stable', '--reason', 'v2 crashes on old phones']);
    expect(back.stdout).toBe(`${model} stable rolled back to v1 (was v2): v2 crashes on old phones\n`);

    // Racing CLIs: every one either wins or fails with a conflict that changed nothing; the history
    // holds exactly the winners, in order. (Exactly one winner of truly simultaneous moves is proven
    // against MinIO in test/integration/infra/channel-store.test.ts; here the CLIs' startup may serialize them.)
    const racers = await Promise.all(['v2', 'v3', 'v2', 'v3'].map((v) => runCli(['promote', model, v, '--to', 'stable'])));
    const winners = racers.filter((r) => r.code === 0);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    for (const loser of racers.filter((r) => r.code !== 0)) {
      expect(loser.code).toBe(ExitCode.unavailable);
      expect(loser.stderr).toMatch(/stable was moved by someone else while this move was being made .*nothing was changed/);
    }
    const history = JSON.parse((await runCli(['history', model, '--channel', 'stable', '--json'])).stdout) as ChannelEntry[];
    expect(history.map((e) => e.sequence)).toEqual(Array.from({ length: 3 + winners.length }, (_, i) => i + 1));
    const winner = history[history.length - 1]!.version;
    expect(['v2', 'v3']).toContain(winner);
    const pointer = JSON.parse((await runCli(['channels', model, '--json'])).stdout) as ChannelEntry[];
    expect(pointer.find((c) => c.channel === 'stable')).toEqual(history[history.length - 1]);

    const releases = await runCli(['releases', model]);
    expect(releases.stdout).toMatch(new RegExp(`\\n${winner} .*[ ,]stable\\n`));
    expect(releases.stdout).toMatch(/\nv3 .* latest(,stable)?\n/);

    for (const [channel, version] of [['latest', 'v3'], ['stable', winner]] as const) {
      const file = path.join(dir, `${channel}.tflite`);
      const pull = await runCli(['pull', model, channel, '-o', file]);
      expect(pull.stdout).toContain(`${model} ${version} (${channel}) model.tflite`);
      const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
      expect(sha).toBe((await manifestOf(model, version)).files['model.tflite']!.sha256);
    }
    const status = await runCli(['status', model, 'stable']);
    expect(status.stdout).toContain(`${(await manifestOf(model, winner)).workflow.workflowId}: COMPLETED`);
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    expect((await runCli(['promote', model, 'v1', '--to', 'beta'])).code).toBe(0);
    const channelsBefore = (await store.list(`_liteship/channels/${model}/`)).keys.sort();
    const cases: Array<[string[], RegExp]> = [
      [['promote', model, 'v9', '--to', 'stable'], new RegExp(`${model} has no release v9`)],
      [['promote', model, 'v1', '--to', 'Stable!'], /invalid channel name "Stable!"/],
      [['promote', model, 'v1', '--to', 'latest'], /"latest" moves by itself to each new release/],
      [['rollback', model, '--channel', 'beta'], new RegExp(`${model} beta has no earlier entry to roll back to \\(it has only ever pointed at v1\\); nothing was changed`)],
      [['pull', model, 'nightly', '-o', path.join(dir, 'x.tflite')], new RegExp(`no release or channel ${model} nightly; released versions: v1, v2, v3; channels: beta, latest, stable`)],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
    await store.put(`${model}/v4/.claim.json`, new TextEncoder().encode('{}'), { ifNoneMatch: '*' });
    const noManifest = await runCli(['promote', model, 'v4', '--to', 'stable']);
    expect(noManifest.stderr).toMatch(/v4 has no manifest \(its release never finished\)/);
    const fresh = uniqueModelName('ops-none');
    const noEarlier = await runCli(['rollback', fresh, '--channel', 'stable']);
    expect(noEarlier.stderr).toMatch(`${fresh} has no channel stable`);
    const badSpec = writeSpec(dir, 'bad', { ...base, training: { epochs: 0 } });
    const badPlan = await runCli(['plan', badSpec]);
    expect(badPlan.code).toBe(ExitCode.invalidInput);
    expect(badPlan.stderr).toMatch(/training\.epochs: must be between 1 and 1000, got 0/);
    expect((await store.list(`_liteship/channels/${model}/`)).keys.sort()).toEqual(channelsBefore);
  });
});

/**
 * Image folders under an s3:// prefix, on the test stack's real MinIO: the workers list, read and
 * release the uploaded folder, and its data fingerprint is the one the same files give read from disk (the
 * fingerprint covers file names and bytes, not where they live). A missing bucket or an empty
 * prefix is a clear, non-retryable error naming the location, with nothing published.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FailureType, type RecipePlan, type ReleaseManifest, type ReleaseResult } from '../../../contracts';
import { ExitCode } from '../../../client/exit-codes';
import { runCli } from '../../support/cli';
import { writeDigitFolder } from '../../support/image-folders';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';

const { store, config, client } = useTestServices();

const folderSpec = (model: string, train: string) => ({
  model,
  architecture: 'cnn',
  data: { source: 'folder', train, imageSize: [28, 28], channels: 1, validationSplit: 0.2 },
  training: { epochs: 1, batchSize: 16 },
  variants: ['float32'],
  // 6 test images: one answer that differs between tfjs and the float32 file would be a 17-point gap.
  benchmark: { runs: 200, warmupRuns: 5, maxAccuracyGapPoints: 20 },
});

/** Uploads every file under `root` to `prefix` (keys keep the relative paths). */
async function upload(root: string, prefix: string): Promise<number> {
  let n = 0;
  for (const cls of readdirSync(root)) {
    for (const file of readdirSync(path.join(root, cls))) {
      await store.put(`${prefix}${cls}/${file}`, readFileSync(path.join(root, cls, file)), { contentType: 'image/png' });
      n++;
    }
  }
  return n;
}

async function plan(dir: string, name: string, spec: object): Promise<RecipePlan> {
  const out = await runCli(['plan', writeSpec(dir, name, spec), '--json']);
  if (out.code !== 0) throw new Error(`liteship plan failed (${out.code}): ${out.stderr}`);
  return JSON.parse(out.stdout) as RecipePlan;
}

it('releases a folder uploaded under s3://bucket/prefix/; its fingerprint is that of the same files read from disk', async () => {
  const dir = tempDir();
  const local = path.join(dir, 'photos');
  await writeDigitFolder(local, { digits: [3, 8], perClass: 15, names: { 3: 'three', 8: 'eight' }, mixed: true });
  // Under a prefix no model name can take, so it never looks like a release.
  const prefix = `_test-data/${uniqueModelName('s3-folder')}/photos/`;
  expect(await upload(local, prefix)).toBe(30);
  const model = uniqueModelName('s3-folder');
  const train = `s3://${config.storage.bucket}/${prefix}`;

  const run = await runCli(['run', writeSpec(dir, 's3', folderSpec(model, train)), '--json']);
  expect(run.stderr).not.toContain('unexpected error');
  expect(run.code).toBe(0);
  const { result } = JSON.parse(run.stdout) as { result: ReleaseResult };
  const manifest = JSON.parse(new TextDecoder().decode(await store.get(`${model}/${result.version}/manifest.json`))) as ReleaseManifest;
  expect(manifest.dataset).toMatchObject({ source: `folder:${train}`, labels: ['eight', 'three'], trainCount: 24, testCount: 6 });
  expect(manifest.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);

  // The same files on disk: `liteship plan` reads them as prepareData does (stores nothing).
  const fromDisk = await plan(dir, 'disk', folderSpec(model, local));
  expect(fromDisk.recipe.parts.data).toBe(manifest.dataset.fingerprint);
  // The spec differs (its data.train), so the recipes do; the data does not.
  expect(fromDisk.changed).toEqual([expect.stringMatching(/^spec: data\.train/)]);
  // A renamed file is a different dataset, wherever it lives.
  const first = readdirSync(path.join(local, 'eight'))[0]!;
  await store.put(`${prefix}eight/renamed-${first}`, readFileSync(path.join(local, 'eight', first)));
  const renamed = await plan(dir, 's3-more', folderSpec(model, train));
  expect(renamed.recipe.parts.data).not.toBe(manifest.dataset.fingerprint);
});

describe('a missing s3:// location: a clear error naming it, one attempt, nothing published', () => {
  async function expectRefused(train: string, message: string, data?: object) {
    const dir = tempDir();
    const model = uniqueModelName('s3-missing');
    const spec = { ...folderSpec(model, train), ...(data ? { data } : {}) };
    const run = await runCli(['run', writeSpec(dir, 'missing', spec), '--json']);
    expect(run.code).toBe(ExitCode.invalidInput);
    const out = JSON.parse(run.stdout) as { workflowId: string; status: string; reasons: string[] };
    expect(out.status).toBe('failed');
    expect(out.reasons.join('\n')).toContain(message);
    const history = await client().workflow.getHandle(out.workflowId).fetchHistory();
    const failed = (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes).map((e) => e.activityTaskFailedEventAttributes!);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.failure?.applicationFailureInfo).toMatchObject({ type: FailureType.invalidDataset, nonRetryable: true });
    expect(await store.list(`${model}/`)).toEqual({ keys: [], prefixes: [] });
  }

  it('a bucket that does not exist', async () => {
    const bucket = `liteship-no-such-${Date.now().toString(36)}`;
    await expectRefused(`s3://${bucket}/photos/`, `s3://${bucket}/photos/: the bucket "${bucket}" does not exist at ${config.storage.endpoint}: check data.train / data.test in the spec (an s3://bucket/... the workers can read).`);
  });

  it('an IDX file in a bucket that does not exist', async () => {
    const bucket = `liteship-no-such-${Date.now().toString(36)}`;
    const file = (name: string) => `s3://${bucket}/mnist/${name}`;
    const data = { source: 'idx', trainImages: file('train-images'), trainLabels: file('train-labels'), testImages: file('test-images'), testLabels: file('test-labels'), numClasses: 10 };
    await expectRefused('', `the bucket "${bucket}" does not exist at ${config.storage.endpoint}: check the s3:// URI in the spec`, data);
  });

  it('a prefix with nothing under it', async () => {
    const train = `s3://${config.storage.bucket}/_test-data/${uniqueModelName('nothing')}/photos`;
    await expectRefused(train, `${train}: is empty or does not exist: check data.train / data.test in the spec (an s3:// folder is a prefix: ${train}/<class>/<image>.png)`);
  });
});

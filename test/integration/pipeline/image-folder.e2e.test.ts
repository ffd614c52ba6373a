/**
 * Image-folder datasets on the real stack: PNG files written by the test (MNIST digits, one
 * folder per class) released end to end with `cnn`; and bad folders (corrupt JPEG, empty class
 * folder, a single class), each a non-retryable failure naming the path, with nothing published.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FailureType, type ReleaseManifest, type ReleaseResult } from '../../../contracts';
import { ExitCode } from '../../../client/exit-codes';
import { writeDigitFolder } from '../../support/image-folders';
import { runCli } from '../../support/cli';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';

const { store, client } = useTestServices();

const folderSpec = (model: string, train: string, extra: Record<string, unknown> = {}) => ({
  model,
  architecture: 'cnn',
  data: { source: 'folder', train, imageSize: [28, 28], channels: 1, validationSplit: 0.15, ...extra },
  training: { epochs: 1, batchSize: 32, seed: 11 },
  variants: ['float32', 'dynamic-int8'],
  // About 100 test images: one changed answer is a 1-point gap.
  benchmark: { maxAccuracyGapPoints: 3 },
});

describe('image-folder datasets end to end', () => {
  it('releases a cnn trained on a folder of PNGs; the labels are the folder names, in the manifest', async () => {
    const dir = tempDir();
    const photos = path.join(dir, 'photos');
    const labels = await writeDigitFolder(photos, { digits: [0, 1, 7], perClass: 250 });
    const model = uniqueModelName('digits-folder');
    // A relative path: the CLI resolves it against the spec file's folder.
    const run = await runCli(['run', writeSpec(dir, 'digits', folderSpec(model, './photos', { augment: { shift: 0.05 } })), '--json']);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const result = (JSON.parse(run.stdout) as { result: ReleaseResult }).result;
    expect(result.evaluation.count).toBe(3 * Math.ceil(0.15 * 250));
    expect(result.evaluation.accuracy).toBeGreaterThan(0.8);

    const manifest = JSON.parse(new TextDecoder().decode(await store.get(`${model}/${result.version}/manifest.json`))) as ReleaseManifest;
    expect(manifest.dataset).toMatchObject({
      source: `folder:${photos}`,
      labels,
      trainCount: 750 - 3 * 38,
      testCount: 3 * 38,
      imageShape: [28, 28, 1],
      numClasses: 3,
    });
    expect(labels).toEqual(['digit-0', 'digit-1', 'digit-7']);
    expect(manifest.dataset.skipped).toBeUndefined();
    for (const v of manifest.variants) expect(v.accuracy).toBeGreaterThan(0.8);
  });

  describe('bad folders: a clear error with the path, one attempt, nothing published', () => {
    async function expectRefused(name: string, train: string, pattern: RegExp) {
      const dir = tempDir();
      const model = uniqueModelName(name);
      const run = await runCli(['run', writeSpec(dir, name, folderSpec(model, train)), '--json']);
      expect(run.code).toBe(ExitCode.invalidInput);
      const out = JSON.parse(run.stdout) as { workflowId: string; status: string; reasons: string[] };
      expect(out.status).toBe('failed');
      expect(out.reasons.join('\n')).toMatch(pattern);
      const history = await client().workflow.getHandle(out.workflowId).fetchHistory();
      const failed = (history.events ?? []).find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes;
      expect(failed?.failure?.applicationFailureInfo?.type).toBe(FailureType.invalidDataset);
      expect(failed?.failure?.applicationFailureInfo?.nonRetryable).toBe(true);
      expect(await store.list(`${model}/`)).toEqual({ keys: [], prefixes: [] });
    }

    it('a corrupt JPEG', async () => {
      const root = path.join(tempDir(), 'photos');
      await writeDigitFolder(root, { digits: [1, 2], perClass: 10, format: 'jpeg' });
      const classDir = path.join(root, 'digit-2');
      const victim = path.join(classDir, readdirSync(classDir)[3]!);
      const bytes = readFileSync(victim);
      writeFileSync(victim, bytes.subarray(0, bytes.length - 50));
      await expectRefused('corrupt-jpeg', root, new RegExp(`${victim.replace(/[.]/g, '\\.')}: cannot decode this image`));
    });

    it('an empty class folder', async () => {
      const root = path.join(tempDir(), 'photos');
      await writeDigitFolder(root, { digits: [1, 2], perClass: 10 });
      mkdirSync(path.join(root, 'digit-3'));
      await expectRefused('empty-class', root, new RegExp(`${root}/digit-3: this class folder holds no .jpg, .jpeg or .png images`));
    });

    it('a single class', async () => {
      const root = path.join(tempDir(), 'photos');
      await writeDigitFolder(root, { digits: [4], perClass: 10 });
      await expectRefused('single-class', root, new RegExp(`${root}: has a single class folder \\(digit-4\\)`));
    });
  });
});

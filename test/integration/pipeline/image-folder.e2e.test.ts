/**
 * Image-folder datasets on the real stack: PNG files written by the test (MNIST digits, one
 * folder per class) released end to end with `cnn`, and with a `layers` architecture on photos of
 * mixed sizes and channels whose labels and normalization `liteship inspect` reads back from the
 * released .tflite; and bad input (corrupt JPEG, empty class folder, a single class, a fine-tune
 * model.json whose weights do not match it), each a non-retryable failure naming the path, with
 * nothing published.
 */
import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FailureType, storageKeys, type ReleaseManifest, type ReleaseResult } from '../../../contracts';
import { buildArchitecture } from '../../../ml';
import { converterTable } from '../../../tflite';
import { ExitCode } from '../../../client/exit-codes';
import { writeDigitFolder } from '../../support/image-folders';
import { runCli } from '../../support/cli';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';
import { saveLayersModel } from '../../unit/tflite/support/save-model';

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

  it('releases a layers architecture on photos of mixed sizes and channels; inspect reads the labels and normalization back', async () => {
    const dir = tempDir();
    // 3 classes x 60: every 3rd image is 40x40 (resized to 28x28), every 4th RGB (converted to gray).
    await writeDigitFolder(path.join(dir, 'photos'), { digits: [0, 1, 7], perClass: 60, names: { 0: 'cat', 1: 'dog', 7: 'bird' }, mixed: true });
    const model = uniqueModelName('layers-folder');
    const spec = {
      ...folderSpec(model, './photos', { validationSplit: 0.2 }),
      description: 'pets from a layer list',
      architecture: { layers: [
        { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
        { type: 'maxPooling2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ] },
      training: { epochs: 1, batchSize: 16, seed: 5 },
      variants: ['float32'],
      benchmark: { runs: 200, warmupRuns: 5, maxAccuracyGapPoints: 3 },
    };
    const run = await runCli(['run', writeSpec(dir, 'pets', spec), '--json']);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const result = (JSON.parse(run.stdout) as { result: ReleaseResult }).result;
    const manifest = JSON.parse(new TextDecoder().decode(await store.get(`${model}/${result.version}/manifest.json`))) as ReleaseManifest;
    // Mixed sizes and channels are no error: every file was resized/converted, none skipped.
    expect(manifest.dataset).toMatchObject({ labels: ['bird', 'cat', 'dog'], imageShape: [28, 28, 1], trainCount: 3 * 48, testCount: 3 * 12 });
    expect(manifest.dataset.skipped).toBeUndefined();

    const file = path.join(dir, 'pets.tflite');
    expect((await runCli(['pull', model, result.version, '-o', file])).code).toBe(0);
    expect(readFileSync(file)).toEqual(Buffer.from(await store.get(storageKeys.releaseFile(model, result.version, 'model.tflite'))));
    const shown = await runCli(['inspect', file]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`name "${model}", version "sha256:`);
    expect(shown.stdout).toContain('description "pets from a layer list"');
    expect(shown.stdout).toContain('image: 28x28 GRAYSCALE');
    expect(shown.stdout).toContain('normalization: (value - mean [0]) / std [255]');
    expect(shown.stdout).toContain('TENSOR_AXIS_LABELS labels.txt 3: bird, cat, dog');
  });

  describe('bad input: a clear error with the path, one attempt, nothing published', () => {
    async function expectRefused(name: string, train: string, pattern: RegExp, extra: Record<string, unknown> = {}, failure: FailureType = FailureType.invalidDataset) {
      const dir = tempDir();
      const model = uniqueModelName(name);
      const run = await runCli(['run', writeSpec(dir, name, { ...folderSpec(model, train), ...extra }), '--json']);
      expect(run.code).toBe(failure === FailureType.invalidDataset ? ExitCode.invalidInput : ExitCode.modelProblem);
      const out = JSON.parse(run.stdout) as { workflowId: string; status: string; reasons: string[] };
      expect(out.status).toBe('failed');
      expect(out.reasons.join('\n')).toMatch(pattern);
      const history = await client().workflow.getHandle(out.workflowId).fetchHistory();
      const failed = (history.events ?? []).find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes;
      expect(failed?.failure?.applicationFailureInfo?.type).toBe(failure);
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

    it('a fine-tune model.json whose weight file does not match its weightsManifest', async () => {
      const dir = tempDir();
      const root = path.join(dir, 'photos');
      await writeDigitFolder(root, { digits: [1, 2], perClass: 10 });
      const saved = await buildArchitecture({ layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] }, { inputShape: [28, 28, 1], numClasses: 2, seed: 1, converter: converterTable() });
      await saveLayersModel(saved, path.join(dir, 'saved'));
      saved.dispose();
      truncateSync(path.join(dir, 'saved', 'weights.bin'), 4 * 100); // a copy cut short: 100 of the 1,570 floats
      const modelJson = path.join(dir, 'saved', 'model.json');
      await expectRefused(
        'bad-weights',
        root,
        new RegExp(`${modelJson}: weight file "./weights.bin" holds 400 bytes but the weightsManifest's 2 weights need 6280`),
        { architecture: { model: modelJson } },
        FailureType.unsupportedModel,
      );
    });
  });
});

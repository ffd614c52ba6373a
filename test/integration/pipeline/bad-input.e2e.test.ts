/**
 * Bad input ends a run at once with a specific, non-retryable failure and publishes nothing.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FailureType, type ReleaseSpec } from '../../../contracts';
import { encodeIdx, loadMnist, sliceImageSet } from '../../../ml';
import { idxDataSpec } from '../../support/idx-files';
import { runCli } from '../../support/cli';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';
import type { releaseModel } from '../../../workflows';

const { store, client } = useTestServices();

function idxFiles(dir: string, count: number) {
  const images = encodeIdx({ dtype: 'uint8', dims: [count, 28, 28], data: new Uint8Array(count * 784).fill(7) });
  const labels = encodeIdx({ dtype: 'uint8', dims: [count], data: new Uint8Array(count).map((_, i) => i % 10) });
  const write = (name: string, bytes: Uint8Array) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  return { images, labels, write };
}

describe('bad input', () => {
  it('a truncated IDX file fails the run with a non-retryable InvalidDataset failure and publishes nothing', async () => {
    const dir = tempDir();
    const model = uniqueModelName('corrupt-idx');
    const { images, labels, write } = idxFiles(dir, 100);
    const spec = writeSpec(dir, 'corrupt', {
      model,
      data: {
        source: 'idx',
        trainImages: write('train-images.idx3-ubyte', images.subarray(0, images.length - 500)),
        trainLabels: write('train-labels.idx1-ubyte', labels),
        testImages: write('test-images.idx3-ubyte', images),
        testLabels: write('test-labels.idx1-ubyte', labels),
        numClasses: 10,
      },
      training: { epochs: 1 },
    });

    const run = await runCli(['run', spec, '--json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { workflowId: string; status: string; reasons: string[] };
    expect(out.status).toBe('failed');
    expect(out.reasons.join('\n')).toMatch(/train-images\.idx3-ubyte.*truncated/);

    // One attempt only: retrying cannot fix a corrupt file.
    const history = await client().workflow.getHandle(out.workflowId).fetchHistory();
    const failed = (history.events ?? []).find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes;
    expect(failed?.failure?.applicationFailureInfo?.type).toBe(FailureType.invalidDataset);
    expect(failed?.failure?.applicationFailureInfo?.nonRetryable).toBe(true);
    const started = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([1]);

    expect(await store.list(`${model}/`)).toEqual({ keys: [], prefixes: [] });
  });

  it('a budget no variant can meet publishes nothing and says why, variant by variant', async () => {
    const dir = tempDir();
    const model = uniqueModelName('impossible');
    const mnist = loadMnist();
    const spec = writeSpec(dir, 'impossible', {
      model,
      data: idxDataSpec(dir, sliceImageSet(mnist.train, 0, 5000), sliceImageSet(mnist.test, 0, 1000)),
      training: { epochs: 1 },
      benchmark: { maxAccuracyGapPoints: 0.5 },
      gate: { maxBytes: 1000 },
    });

    const run = await runCli(['run', spec, '--json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { workflowId: string; reasons: string[] };
    const reasons = out.reasons.join('\n');
    expect(reasons).toContain('nothing was published: no variant meets the budgets');
    for (const variant of ['float32', 'float16', 'dynamic-int8', 'int8']) {
      expect(reasons).toMatch(new RegExp(`${variant}: \\d+ bytes is over the size budget of 1000`));
    }
    expect(await store.list(`${model}/`)).toEqual({ keys: [], prefixes: [] });
  });

  it('an invalid spec is refused before anything starts, naming each bad field', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'invalid', { model: 'Bad Name', architecture: 'transformer', training: { epochs: 0 } });
    const run = await runCli(['run', spec]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not a valid release spec (4 problems)');
    expect(run.stderr).toContain('model: "Bad Name" must be lowercase letters');
    expect(run.stderr).toContain('architecture: must be one of "mlp", "cnn", "mobilenet-v2", or an object');
    expect(run.stderr).toContain('data: must be an object, got nothing');
    expect(run.stderr).toContain('training.epochs: must be between 1 and 1000, got 0');
  });

  it('a workflow started with an invalid spec (not through the CLI) fails without retrying', async () => {
    const handle = await client().workflow.start<typeof releaseModel>('releaseModel', {
      taskQueue: 'liteship-pipeline',
      workflowId: `invalid-spec-${Date.now()}`,
      // Deliberately not a ReleaseSpec: the workflow must validate what it is given.
      args: [{ model: 'x', data: { source: 'nowhere' } } as unknown as ReleaseSpec],
    });
    await expect(handle.result()).rejects.toMatchObject({ cause: { type: FailureType.invalidSpec } });
  });
});

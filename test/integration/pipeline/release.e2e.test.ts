/**
 * The whole release path on the real stack: Temporal dev server (64 KiB payload limit), MinIO,
 * tfjs training, liteship's converter, tfjs-tflite-node. Runs the CLI exactly as a user does.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ReleaseManifest, ReleaseResult } from '../../../contracts';
import { runCli } from '../../support/cli';
import { scoreOnMnistTest } from '../../support/score-tflite';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';

const { store, client } = useTestServices();

async function manifestOf(model: string, version: string): Promise<{ manifest: ReleaseManifest; etag: string }> {
  const key = `${model}/${version}/manifest.json`;
  const head = await store.head(key);
  if (!head) throw new Error(`no manifest at ${key}`);
  return { manifest: JSON.parse(new TextDecoder().decode(await store.get(key))) as ReleaseManifest, etag: head.etag };
}

describe('liteship run: MNIST MLP release end to end', () => {
  const dir = tempDir();
  const model = uniqueModelName('mnist-e2e');
  const specFile = writeSpec(dir, 'mnist', {
    model,
    architecture: 'mlp',
    data: { source: 'mnist' },
    training: { epochs: 2, batchSize: 32, seed: 7 },
  });
  let first: { workflowId: string; result: ReleaseResult };

  it('publishes a benchmarked release whose .tflite scores >= 0.95 in the interpreter', async () => {
    const run = await runCli(['run', specFile, '--json']);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    first = JSON.parse(run.stdout) as typeof first;
    const result = first.result;
    expect(result.version).toBe('v1');
    expect(result.evaluation.count).toBe(10000);
    expect(result.benchmark.latency.runs).toBe(200);
    expect(result.benchmark.latency.p50Ms).toBeGreaterThan(0);
    expect(result.benchmark.latency.p50Ms).toBeLessThanOrEqual(result.benchmark.latency.p90Ms);
    expect(result.benchmark.latency.p90Ms).toBeLessThanOrEqual(result.benchmark.latency.p99Ms);
    expect(result.selection.verdicts.map((v) => v.variant)).toEqual(['float32', 'float16', 'dynamic-int8', 'int8']);
    expect(result.selection.chosen).toBe(result.chosenVariant);

    // Download with the CLI, check the bytes against the manifest, run them ourselves.
    const out = path.join(dir, 'model.tflite');
    const pull = await runCli(['pull', model, 'v1', '-o', out]);
    expect(pull.code).toBe(0);
    const bytes = new Uint8Array(readFileSync(out));
    const { manifest } = await manifestOf(model, 'v1');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.files['model.tflite']!.sha256);
    expect(manifest.files['model.tflite']!.bytes).toBe(bytes.byteLength);
    expect(manifest.workflow.workflowId).toBe(first.workflowId);
    expect(manifest.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.pipeline.gitCommit).toMatch(/^[0-9a-f]{40}/);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(manifest.training.backend.name);
    expect(manifest.runtimes.trainingBackend).toBe(manifest.training.backend.name);
    expect(Object.keys(manifest.stepTimingsMs)).toEqual(['prepareData', 'train', 'evaluate', 'convert', 'benchmark', 'select']);

    // Every variant is published with its figures; the chosen one is model.tflite, byte for byte.
    expect(manifest.variants.map((v) => v.variant)).toEqual(['float32', 'float16', 'dynamic-int8', 'int8']);
    expect(manifest.variants.filter((v) => v.chosen).map((v) => v.variant)).toEqual([manifest.chosenVariant]);
    for (const v of manifest.variants) {
      expect(v.file).toBe(`${v.variant}.tflite`);
      expect(manifest.files[v.file!]!.bytes).toBe(v.bytes);
      expect(v.accuracy).toBeGreaterThan(0.9);
    }
    expect(manifest.files[`${manifest.chosenVariant}.tflite`]!.sha256).toBe(manifest.files['model.tflite']!.sha256);
    const float32 = manifest.variants.find((v) => v.variant === 'float32')!;
    expect(Math.abs(float32.accuracyDropPoints!)).toBeLessThanOrEqual(0.2);
    // Quantized files are about 4x smaller than float32.
    expect(manifest.variants.find((v) => v.variant === 'int8')!.bytes!).toBeLessThan(float32.bytes! * 0.3);

    const score = await scoreOnMnistTest(bytes);
    expect(score.count).toBe(10000);
    expect(score.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(score.accuracy).toBeCloseTo(result.benchmark.tflite.accuracy, 6);
  });

  it('records each step as an activity in the workflow history, with only small payloads', async () => {
    const history = await client().workflow.getHandle(first.workflowId).fetchHistory();
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((n): n is string => !!n);
    expect(scheduled.slice(0, 4)).toEqual(['prepareData', 'lookupRecipe', 'train', 'evaluate']);
    expect(scheduled.filter((n) => n === 'convert')).toHaveLength(4);
    expect(scheduled.filter((n) => n === 'benchmark')).toHaveLength(4);
    // After the release is whole: its recipe key is recorded, then latest moves to it.
    expect(scheduled.slice(scheduled.indexOf('publish'))).toEqual(['publish', 'recordRecipe', 'moveChannel']);
    const largestPayload = Math.max(
      ...(history.events ?? []).flatMap((e) =>
        [e.activityTaskScheduledEventAttributes?.input, e.activityTaskCompletedEventAttributes?.result]
          .flatMap((p) => p?.payloads ?? [])
          .map((p) => p.data?.length ?? 0),
      ),
    );
    expect(largestPayload).toBeLessThan(64 * 1024);
  });

  it('makes a new version on the next run (--force: same recipe) and leaves the first untouched', async () => {
    const before = await manifestOf(model, 'v1');
    const run = await runCli(['run', specFile, '--json', '--force']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as typeof first).result.version).toBe('v2');
    const after = await manifestOf(model, 'v1');
    expect(after.etag).toBe(before.etag);
    expect(after.manifest).toEqual(before.manifest);

    const releases = await runCli(['releases', model, '--json']);
    expect((JSON.parse(releases.stdout) as { version: string }[]).map((r) => r.version)).toEqual(['v1', 'v2']);
  });
});

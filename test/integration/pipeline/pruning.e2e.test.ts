/**
 * Pruned variants end to end on the real stack: the prune step fine-tunes the trained MLP
 * to 75% sparsity on the training queue, the pruned files are converted (float32 with
 * sparse FULLY_CONNECTED weights), benchmarked, gated by gzip size, and published.
 */
import { gzipSync } from 'node:zlib';
import type { ReleaseManifest, ReleaseResult } from '../../../contracts';
import { readTflite } from '../../../tflite';
import { runCli } from '../../support/cli';
import { scoreOnMnistTest } from '../../support/score-tflite';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';

const { store, client } = useTestServices();

describe('liteship run with pruning', () => {
  const dir = tempDir();
  const model = uniqueModelName('mnist-pruned-e2e');
  const specFile = writeSpec(dir, 'pruned', {
    model,
    architecture: 'mlp',
    data: { source: 'mnist' },
    training: { epochs: 1, batchSize: 32, seed: 11 },
    pruning: { targetSparsity: 0.75, epochs: 1 },
    variants: ['float32', 'pruned-float32', 'pruned-dynamic-int8'],
    gate: { sizeBy: 'gzip', maxAccuracyDropPoints: 1 },
  });

  it('publishes pruned variants with per-layer sparsity, gzip sizes and sparse weights, and ships the smallest by gzip', async () => {
    const run = await runCli(['run', specFile, '--json']);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const { workflowId, result } = JSON.parse(run.stdout) as { workflowId: string; result: ReleaseResult };

    const manifest = JSON.parse(new TextDecoder().decode(await store.get(`${model}/v1/manifest.json`))) as ReleaseManifest;
    expect(manifest.variants.map((v) => v.variant)).toEqual(['float32', 'pruned-float32', 'pruned-dynamic-int8']);
    expect(manifest.variants.every((v) => v.passed)).toBe(true);

    // Every prunable kernel reached the target; the pruned tfjs model kept its accuracy.
    const pruning = manifest.pruning!;
    expect(pruning.layers.map((l) => l.weight)).toEqual(['kernel', 'kernel']);
    for (const layer of pruning.layers) expect(layer.sparsity).toBeCloseTo(0.75, 2);
    expect(pruning.steps).toBe(1875);
    const float32 = manifest.variants.find((v) => v.variant === 'float32')!;
    expect(pruning.tfjsAccuracy).toBeGreaterThan(float32.accuracy! - 0.01);

    // The pruned float32 file stores its FC weights sparse, and the zeros compress.
    const pruned = manifest.variants.find((v) => v.variant === 'pruned-float32')!;
    expect(pruned.sparse?.encoded.map((e) => e.density)).toEqual([expect.closeTo(0.25, 2), expect.closeTo(0.25, 2)]);
    expect(pruned.bytes!).toBeLessThan(float32.bytes! * 0.5);
    expect(pruned.gzipBytes!).toBeLessThan(float32.gzipBytes! * 0.35);
    expect(pruned.accuracyDropPoints!).toBeLessThanOrEqual(1);
    // Its speed against dense float32 is reported either way, as a note that does not fail the gate.
    expect(pruned.notes).toEqual([expect.stringMatching(/^pruned-float32: 2 sparse FULLY_CONNECTED weight tensors.*dense float32/)]);

    const bytes = await store.get(`${model}/v1/pruned-float32.tflite`);
    expect(gzipSync(bytes, { level: 9 }).byteLength).toBe(pruned.gzipBytes);
    expect(readTflite(bytes).operators.filter((op) => op.name === 'FULLY_CONNECTED').map((op) => op.version)).toEqual([8, 8]);
    const score = await scoreOnMnistTest(bytes);
    expect(score.accuracy).toBeCloseTo(pruned.accuracy!, 6);
    expect(score.accuracy).toBeGreaterThan(0.93);

    // The gate ranked by gzip size: the pruned int8-weight file is the smallest download.
    expect(result.chosenVariant).toBe('pruned-dynamic-int8');
    expect(result.selection.explanation).toMatch(/^pruned-dynamic-int8 is the smallest variant that meets every budget \(\d+ gzip bytes\)/);
    expect(result.pruning?.sparsity).toBeCloseTo(0.75, 2);

    // prune ran as its own activity on the training queue, between evaluate and convert.
    const history = await client().workflow.getHandle(workflowId).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a?.activityType?.name ? [`${a.activityType.name}@${a.taskQueue?.name ?? ''}`] : [];
    });
    expect(scheduled.slice(0, 5)).toEqual(['prepareData@liteship-pipeline', 'lookupRecipe@liteship-pipeline', 'train@liteship-training', 'evaluate@liteship-training', 'prune@liteship-training']);
    expect(scheduled.filter((s) => s.startsWith('convert@'))).toHaveLength(3);
  });
});

/** Fault matrix, contention: 4 runs of one model at once get 4 distinct versions, all whole, no hole. */
import { ensureLocalWorkers } from '../../../client/local-workers';
import { PIPELINE_TASK_QUEUE, type ReleaseResult } from '../../../contracts';
import { useTestServices } from '../../support/services';
import { uniqueModelName } from '../../support/specs';
import { auditModel, tinySpec } from './harness';

const { config, store, client } = useTestServices();

it('4 concurrent runs of one model: v1-v4, each whole, each from its own run', async () => {
  const model = uniqueModelName('faults-concurrent');
  await ensureLocalWorkers(config, client(), () => undefined);
  // force: each run trains, even when an earlier suite run left a trained model with the same recipe key.
  const handles = await Promise.all(
    [1, 2, 3, 4].map((n) =>
      client().workflow.start('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId: `faults-${model}-${n}`, args: [tinySpec(model, { training: { epochs: 1, batchSize: 64, seed: n } }), { force: true }] }),
    ),
  );
  const results = (await Promise.all(handles.map((h) => h.result()))) as ReleaseResult[];
  expect(results.map((r) => r.version).sort()).toEqual(['v1', 'v2', 'v3', 'v4']);
  const { released, unreleased } = await auditModel(store, model);
  expect(released.map((m) => m.version)).toEqual(['v1', 'v2', 'v3', 'v4']);
  expect(unreleased).toEqual([]);
  expect(new Set(released.map((m) => m.workflow.workflowId)).size).toBe(4);
  handles.forEach((h, i) => {
    const manifest = released.find((m) => m.version === results[i]!.version);
    expect(manifest?.workflow).toEqual({ workflowId: h.workflowId, runId: h.firstExecutionRunId });
  });
});

/**
 * prune: fine-tune the trained model while magnitude pruning it to the spec's target
 * sparsity (polynomial-decay schedule), then score the pruned tfjs model on the test set.
 * Runs on the training queue like train, with the same heartbeats and per-epoch
 * checkpoints: a retried attempt resumes from the last finished epoch.
 */
import { Context, log } from '@temporalio/activity';
import { storageKeys, type ArtifactRef, type PreparedDataRef, type PrunedModelRef, type ReleaseSpec } from '../contracts';
import { compileModel, deserializeModel, evaluateModel, pruneOnExamples, serializeModel } from '../ml';
import type { ArtifactIO } from './artifact-io';
import type { DatasetCache } from './dataset-cache';
import type { ActivityDeps } from './deps';
import { EpochHeartbeat } from './epoch-heartbeat';
import { faultPoint } from './fault-point';

export interface PruneInput {
  spec: ReleaseSpec;
  data: PreparedDataRef;
  /** The trained model to prune. */
  model: ArtifactRef;
}

export function createPrune(deps: Pick<ActivityDeps, 'initBackend'>, artifacts: ArtifactIO, datasets: DatasetCache) {
  return async function prune({ spec, data, model: trainedRef }: PruneInput): Promise<PrunedModelRef> {
    const pruning = spec.pruning;
    if (!pruning) throw new Error('prune was scheduled for a spec without a pruning section');
    const ctx = Context.current();
    const workflowId = ctx.info.workflowExecution?.workflowId ?? 'unknown-workflow';
    const backend = await deps.initBackend(spec.training.backend);
    const dataset = await datasets.get(data.dataset);

    const heartbeat = new EpochHeartbeat(ctx, pruning.epochs);
    const checkpoint = heartbeat.resumeFrom;
    const model = await deserializeModel(await artifacts.get(checkpoint?.ref ?? trainedRef));
    // A checkpoint carries its optimizer state; the trained model starts fine-tuning with a fresh one.
    if (!checkpoint) compileModel(model, pruning.learningRate);
    const resumedFromEpoch = checkpoint?.epoch ?? 0;
    if (checkpoint) log.info('resuming pruning from checkpoint', { epoch: checkpoint.epoch, attempt: ctx.info.attempt });

    try {
      // The training split streams from its shards, batch by batch, as in train: memory does not grow with the dataset.
      const result = await pruneOnExamples(
        model,
        dataset.train,
        {
          targetSparsity: pruning.targetSparsity,
          epochs: pruning.epochs,
          batchSize: spec.training.batchSize,
          frequency: pruning.frequency,
          blockSize: pruning.blockSize,
          seed: spec.training.seed,
          initialEpoch: resumedFromEpoch,
          signal: ctx.cancellationSignal,
        },
        {
          onProgress: ({ epoch, batch, batchesPerEpoch, loss, sparsity }) => heartbeat.beat({ epoch, batch, batchesPerEpoch, loss, sparsity }),
          onEpochEnd: async ({ epoch, loss, sparsity }) => {
            const done = epoch + 1;
            const ref = await artifacts.put(storageKeys.pruneCheckpoint(workflowId, done), await serializeModel(model, { includeOptimizer: true }));
            log.info('pruning epoch done', { epoch: done, loss, sparsity });
            heartbeat.checkpointed(done, ref, { loss, sparsity });
            await faultPoint('prune:after-checkpoint');
          },
        },
      );
      heartbeat.beat({ epoch: pruning.epochs, batch: 0, batchesPerEpoch: 0, sparsity: result.sparsity }, true);
      const evaluation = await evaluateModel(model, dataset.test);
      const ref = await artifacts.put(storageKeys.prunedModel(workflowId), await serializeModel(model, { includeOptimizer: false }));
      const size = result.report.reduce((n, r) => n + r.size, 0);
      const zeros = result.report.reduce((n, r) => n + r.zeros, 0);
      return {
        model: ref,
        targetSparsity: pruning.targetSparsity,
        sparsity: size === 0 ? 0 : zeros / size,
        layers: result.report.map(({ layer, weight, size, zeros, sparsity }) => ({ layer, weight, size, zeros, sparsity })),
        epochs: pruning.epochs,
        steps: result.steps,
        resumedFromEpoch,
        accuracy: evaluation.accuracy,
        backend,
      };
    } finally {
      model.dispose();
    }
  };
}

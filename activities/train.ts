/**
 * train: fit the spec's model, heartbeating progress every few seconds and checkpointing
 * each epoch to the object store. A retried attempt resumes from the last checkpoint that
 * the previous attempt reported in its heartbeat, instead of starting over.
 */
import { Context, log } from '@temporalio/activity';
import { storageKeys, type EpochMetrics, type PreparedDataRef, type ReleaseSpec, type TrainedModelRef } from '../contracts';
import { deserializeModel, headOf, serializeModel, trainModel } from '../ml';
import { buildSpecModel } from './build-model';
import type { ArtifactIO } from './artifact-io';
import type { DatasetCache } from './dataset-cache';
import type { ActivityDeps } from './deps';
import { EpochHeartbeat } from './epoch-heartbeat';
import { faultPoint } from './fault-point';

/** Test images scored after each epoch for the curves: enough for a steady curve, cheap next to an epoch. */
const CURVE_TEST_IMAGES = 2000;

export interface TrainInput {
  spec: ReleaseSpec;
  data: PreparedDataRef;
}

export function createTrain(deps: Pick<ActivityDeps, 'initBackend' | 'readLocation'>, artifacts: ArtifactIO, datasets: DatasetCache) {
  return async function train({ spec, data }: TrainInput): Promise<TrainedModelRef> {
    const ctx = Context.current();
    const workflowId = ctx.info.workflowExecution?.workflowId ?? 'unknown-workflow';
    const backend = await deps.initBackend(spec.training.backend);
    const dataset = await datasets.get(data.dataset);

    const heartbeat = new EpochHeartbeat(ctx, spec.training.epochs);
    const checkpoint = heartbeat.resumeFrom;
    const model = checkpoint
      ? await deserializeModel(await artifacts.get(checkpoint.ref))
      : await buildSpecModel(spec, data, deps.readLocation);
    const resumedFromEpoch = checkpoint?.epoch ?? 0;
    if (checkpoint) log.info('resuming training from checkpoint', { epoch: checkpoint.epoch, attempt: ctx.info.attempt });
    const epochs = spec.training.epochs;
    const history: EpochMetrics[] = [...(checkpoint?.history ?? [])];

    try {
      const trained = await trainModel(
        model,
        dataset.train,
        {
          epochs,
          batchSize: spec.training.batchSize,
          seed: spec.training.seed,
          initialEpoch: resumedFromEpoch,
          ...(spec.data.source === 'folder' && spec.data.augment ? { augment: spec.data.augment } : {}),
          validation: headOf(dataset.test, CURVE_TEST_IMAGES),
        },
        {
          onBatchEnd: (p) => heartbeat.beat({ epoch: p.epoch, batch: p.batch, batchesPerEpoch: p.batchesPerEpoch, loss: p.loss, accuracy: p.accuracy }),
          onEpochEnd: async (p) => {
            const done = p.epoch + 1;
            const bytes = await serializeModel(model, { includeOptimizer: true });
            await faultPoint('train:before-checkpoint');
            const ref = await artifacts.put(storageKeys.checkpoint(workflowId, done), bytes);
            history.push({ epoch: done, loss: p.loss, accuracy: p.accuracy, testLoss: p.valLoss ?? Number.NaN, testAccuracy: p.valAccuracy ?? Number.NaN });
            log.info('epoch done', { epoch: done, loss: p.loss, accuracy: p.accuracy, testAccuracy: p.valAccuracy });
            heartbeat.checkpointed(done, ref, { loss: p.loss, accuracy: p.accuracy }, history);
            await faultPoint('train:after-checkpoint');
          },
        },
      );
      log.info('training done', { stepRunner: trained.method, epochs: trained.epochs.length });
      const last = trained.epochs[trained.epochs.length - 1];
      const finalBytes = await serializeModel(model, { includeOptimizer: false });
      const ref = await artifacts.put(storageKeys.trainedModel(workflowId), finalBytes);
      return {
        model: ref,
        epochs,
        history,
        finalLoss: last?.loss ?? history.at(-1)?.loss ?? Number.NaN,
        finalAccuracy: last?.accuracy ?? history.at(-1)?.accuracy ?? Number.NaN,
        resumedFromEpoch,
        backend,
        parameterCount: model.countParams(),
      };
    } finally {
      model.dispose();
    }
  };
}

/**
 * evaluate: test-set loss, accuracy, per-class accuracy and confusion matrix of the trained tfjs
 * model, computed on the spec's tfjs backend (the one it trained on): the worker switches to it
 * first, like train and prune, instead of evaluating on whichever backend the last activity left.
 */
import { heartbeat, log } from '@temporalio/activity';
import type { ArtifactRef, BackendPreference, EvaluationMetrics, PreparedDataRef } from '../contracts';
import { deserializeModel, evaluateModel } from '../ml';
import type { ArtifactIO } from './artifact-io';
import type { DatasetCache } from './dataset-cache';
import type { ActivityDeps } from './deps';

export interface EvaluateInput {
  model: ArtifactRef;
  data: PreparedDataRef;
  /** The spec's `training.backend`. Absent only in runs scheduled before it was passed: then `auto`. */
  backend?: BackendPreference;
}

export function createEvaluate(deps: Pick<ActivityDeps, 'initBackend'>, artifacts: ArtifactIO, datasets: DatasetCache) {
  return async function evaluate({ model: ref, data, backend = 'auto' }: EvaluateInput): Promise<EvaluationMetrics> {
    const active = await deps.initBackend(backend);
    const [model, dataset] = await Promise.all([artifacts.get(ref).then(deserializeModel), datasets.get(data.dataset)]);
    try {
      heartbeat({ stage: 'evaluating', images: dataset.test.count, backend: active.name });
      log.info('evaluating', { backend: active.name, images: dataset.test.count });
      return await evaluateModel(model, dataset.test);
    } finally {
      model.dispose();
    }
  };
}

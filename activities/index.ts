/** All activities, made from their dependencies. Workflows import only the type. */
import type { ActivityName } from '../contracts';
import { ArtifactIO } from './artifact-io';
import { createBenchmark } from './benchmark';
import { createChannelHead, createMoveChannel } from './channels';
import { createConvert } from './convert';
import { DatasetCache } from './dataset-cache';
import type { ActivityDeps } from './deps';
import { createEvaluate } from './evaluate';
import { withFailureMapping } from './failures';
import { createFolderReader } from './folder-reader';
import { createPrepareData } from './prepare-data';
import { createPublish } from './publish';
import { createRecipeActivities } from './recipe';
import { createPrune } from './prune';
import { createAbandonReleaseClaim } from './release-claim';
import { createTrain } from './train';

export type { ActivityDeps } from './deps';
export { createLocationLister } from './folder-reader';

export function createActivities(deps: ActivityDeps) {
  const artifacts = new ArtifactIO(deps.store);
  const datasets = new DatasetCache(artifacts);
  const dataDeps = { readLocation: deps.readLocation, folders: createFolderReader(deps.listLocation, deps.readLocation) };
  return withFailureMapping({
    prepareData: createPrepareData(artifacts, { ...dataDeps, store: deps.store }),
    train: createTrain(deps, artifacts, datasets),
    evaluate: createEvaluate(deps, artifacts, datasets),
    prune: createPrune(deps, artifacts, datasets),
    convert: createConvert(artifacts, datasets),
    benchmark: createBenchmark(artifacts, datasets),
    publish: createPublish(deps, artifacts, datasets),
    moveChannel: createMoveChannel(deps),
    channelHead: createChannelHead(deps),
    ...createRecipeActivities({ ...deps, data: dataDeps }),
    abandonReleaseClaim: createAbandonReleaseClaim(deps.store),
  });
}

export type Activities = ReturnType<typeof createActivities>;

// contracts/queues.ts ACTIVITY_ROLE must name every activity and nothing else (each activity is
// registered by exactly one worker): a mismatch fails the typecheck here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const activityRoleCoversActivities: Same<keyof Activities, ActivityName> = true;
void activityRoleCoversActivities;

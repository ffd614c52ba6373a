/**
 * The recipe key in a run: looked up right after the data is read (unchanged? trained model
 * reusable?), recorded after the release. Workflow histories from before recipe keys replay
 * without these activities (patched).
 */
import { ActivityFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  OUTCOMES,
  type EvaluationMetrics,
  type PreparedDataRef,
  type RecipeLookup,
  type RecipeRecord,
  type ReleaseSpec,
  type TrainedModelRef,
  type UnchangedResult,
} from '../contracts';
import { recipeOptions } from './activity-options';

const { lookupRecipe, recordRecipe } = proxyActivities<Activities>(recipeOptions);

export async function checkRecipe(spec: ReleaseSpec, data: PreparedDataRef, force: boolean): Promise<RecipeLookup | undefined> {
  if (!patched('liteship-recipe-key')) return undefined;
  return lookupRecipe({ spec, data, force });
}

export function unchangedResult(spec: ReleaseSpec, found: RecipeLookup & { unchanged: NonNullable<RecipeLookup['unchanged']> }): UnchangedResult {
  return {
    outcome: { label: OUTCOMES.unchanged, text: `unchanged: ${found.unchanged.reason}` },
    model: spec.model,
    version: found.unchanged.version,
    unchanged: found.unchanged,
    recipe: found.recipe,
    notes: found.notes,
  };
}

/** Makes the release findable by its key and its trained model reusable; a failure only costs a later re-run. */
export async function recordRecipeOf(model: string, version: string, recipe: RecipeRecord, trained: TrainedModelRef, evaluation: EvaluationMetrics): Promise<string | undefined> {
  try {
    await recordRecipe({ model, version, recipe, trained, evaluation });
    return undefined;
  } catch (err) {
    const why = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
    log.warn('recipe key not recorded', { why });
    return `recipe key not recorded (the next identical run will not be skipped): ${why}`;
  }
}

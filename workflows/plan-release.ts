/**
 * planRelease: what a run of this spec would do, step by step, and which part of the recipe key
 * changed. Reads the data (to fingerprint it) on a worker, like a run would; writes nothing.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType, SpecValidationError, validateSpec, type RecipePlan, type ReleaseSpec } from '../contracts';
import { prepareDataOptions } from './activity-options';

const { planRecipe } = proxyActivities<Activities>(prepareDataOptions);

export async function planRelease(input: ReleaseSpec): Promise<RecipePlan> {
  let spec: ReleaseSpec;
  try {
    spec = validateSpec(input, 'workflow input');
  } catch (err) {
    if (err instanceof SpecValidationError) throw ApplicationFailure.nonRetryable(err.message, FailureType.invalidSpec);
    throw err;
  }
  return planRecipe({ spec });
}

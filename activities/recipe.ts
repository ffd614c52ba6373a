/**
 * The recipe key activities: look a run's key up before anything heavy runs (unchanged? trained
 * model reusable?), record it after a release, and plan a spec without running it.
 */
import {
  TRAINING_FIELDS,
  describeSameParts,
  isPrunedVariant,
  parseAutoVersion,
  specChanges,
  type EvaluationMetrics,
  type PlanStep,
  type PreparedDataRef,
  type RecipeLookup,
  type RecipePlan,
  type RecipeRecord,
  type ReleaseManifest,
  type ReleaseSpec,
  type TrainedModelRef,
} from '../contracts';
import { listVersionFolders } from '../infra/release-folders';
import type { ObjectStore } from '../infra/object-store';
import { RecipeStore, recipeRecord, toolchainOf } from '../infra/recipe-store';
import { readManifest } from '../infra/release-records';
import type { ActivityDeps } from './deps';
import { datasetFingerprint, type PrepareDeps } from './prepare-data';

export interface LookupRecipeInput {
  spec: ReleaseSpec;
  data: PreparedDataRef;
  /** --force: neither `unchanged` nor reuse; everything runs. */
  force: boolean;
}

export interface RecordRecipeInput {
  model: string;
  version: string;
  recipe: RecipeRecord;
  trained: TrainedModelRef;
  evaluation: EvaluationMetrics;
}

type RecipeDeps = Pick<ActivityDeps, 'store' | 'build' | 'runtimeVersions'> & { data: PrepareDeps };

/** The code part of the key: the git commit, plus a digest of uncommitted changes when there are any. */
const codeOf = (build: ActivityDeps['build']) => build.codeDigest ?? build.gitCommit;

async function lookup(store: RecipeStore, spec: ReleaseSpec, recipe: RecipeRecord, force: boolean): Promise<RecipeLookup> {
  if (force) return { recipe, notes: ['--force: nothing is reused'] };
  const notes: string[] = [];
  const release = await store.findRelease(spec.model, recipe.key);
  if (release.note) notes.push(release.note);
  if (release.found) {
    return { recipe, unchanged: { version: release.found.version, reason: `same as ${release.found.version} (${describeSameParts(recipe.parts)})` }, notes };
  }
  const trained = await store.findTrained(recipe.trainKey);
  if (trained.note) notes.push(trained.note);
  if (!trained.found) return { recipe, notes };
  const { version, model, trained: ref, evaluation } = trained.found;
  const from = model === spec.model ? version : `${model} ${version}`;
  return { recipe: { ...recipe, trainedFrom: from }, reuse: { version: from, trained: ref, evaluation }, notes };
}

/** The newest release of a model (highest auto version, else the newest manifest). */
async function latestManifest(store: ObjectStore, model: string): Promise<ReleaseManifest | undefined> {
  const versions = await listVersionFolders(store, model);
  const ordered = versions.sort((a, b) => (parseAutoVersion(b) ?? -1) - (parseAutoVersion(a) ?? -1));
  for (const v of ordered) {
    const manifest = await readManifest(store, model, v);
    if (manifest) return manifest;
  }
  return undefined;
}

/** Which key parts differ from a release: `spec: training.epochs`, `data`, `code`, `toolchain`. */
function changedParts(spec: ReleaseSpec, recipe: RecipeRecord, before: ReleaseManifest): string[] {
  const prev = before.recipe;
  const fields = specChanges(before.spec, spec);
  const out = fields.length ? [`spec: ${fields.join(', ')}`] : [];
  if (!prev) return [...out, `code/toolchain unknown (${before.version} has no recipe key)`, ...(before.dataset.fingerprint !== recipe.parts.data ? ['data'] : [])];
  if (prev.parts.data !== recipe.parts.data) out.push(`data (${prev.parts.data.slice(0, 8)} -> ${recipe.parts.data.slice(0, 8)})`);
  if (prev.parts.code !== recipe.parts.code) out.push(`code (${prev.parts.code.slice(0, 7)} -> ${recipe.parts.code.slice(0, 7)})`);
  if (prev.parts.toolchain !== recipe.parts.toolchain) out.push('toolchain');
  return out;
}

function planSteps(spec: ReleaseSpec, found: RecipeLookup, changed: string[], since: string | undefined): PlanStep[] {
  const data = { step: 'prepareData', action: 'run' as const, why: `reads the data fresh (fingerprint ${found.recipe.parts.data.slice(0, 8)})` };
  if (found.unchanged) return [data, { step: 'everything else', action: 'skip', why: `unchanged: ${found.unchanged.reason}` }];
  const trainingChanges = changed.filter((c) => !c.startsWith('spec: ') || c.slice(6).split(', ').some((f) => TRAINING_FIELDS.some((t) => f === t || f.startsWith(`${t}.`))));
  const trainWhy = found.reuse
    ? `reused from ${found.reuse.version} (same architecture, training, data, code, toolchain)`
    : !since
      ? 'no earlier release'
      : trainingChanges.length
        ? `changed since ${since}: ${trainingChanges.join('; ')}`
        : `no reusable trained model${found.notes.length ? ` (${found.notes.join('; ')})` : ''}`;
  const releaseWhy = since ? (changed.length ? `changed since ${since}: ${changed.join('; ')}` : `same parts as ${since} but no intact release with this key`) : 'no earlier release';
  return [
    data,
    { step: 'train', action: found.reuse ? 'reuse' : 'run', why: trainWhy },
    { step: 'evaluate', action: found.reuse ? 'reuse' : 'run', why: found.reuse ? `reused from ${found.reuse.version}` : 'evaluates the newly trained model' },
    spec.variants.some(isPrunedVariant) ? { step: 'prune', action: 'run', why: 'pruned variants asked for' } : { step: 'prune', action: 'skip', why: 'no pruned variant asked for' },
    { step: 'convert', action: 'run', why: releaseWhy },
    { step: 'benchmark', action: 'run', why: `${spec.variants.length} variant(s)` },
    { step: 'select', action: 'run', why: 'gate over the benchmarked variants' },
    { step: 'publish', action: 'run', why: 'a new version, then latest moves to it' },
  ];
}

export function createRecipeActivities(deps: RecipeDeps) {
  const recipes = new RecipeStore(deps.store);
  const recordOf = (spec: ReleaseSpec, fingerprint: string) => recipeRecord(spec, fingerprint, codeOf(deps.build), toolchainOf(deps.runtimeVersions()));
  return {
    async lookupRecipe({ spec, data, force }: LookupRecipeInput): Promise<RecipeLookup> {
      return lookup(recipes, spec, recordOf(spec, data.fingerprint), force);
    },

    async recordRecipe({ model, version, recipe, trained, evaluation }: RecordRecipeInput): Promise<void> {
      await recipes.record(model, version, recipe, trained, evaluation);
    },

    /** Reads the data (like prepareData, but stores nothing) and says what a run would do. */
    async planRecipe({ spec }: { spec: ReleaseSpec }): Promise<RecipePlan> {
      const fingerprint = await datasetFingerprint(spec.data, deps.data);
      const found = await lookup(recipes, spec, recordOf(spec, fingerprint), false);
      const before = await latestManifest(deps.store, spec.model);
      const changed = before ? changedParts(spec, found.recipe, before) : [];
      return {
        model: spec.model,
        recipe: found.recipe,
        ...(before ? { comparedWith: { version: before.version, ...(before.recipe ? { recipe: before.recipe } : {}) } } : {}),
        changed,
        ...(found.unchanged ? { unchanged: found.unchanged } : {}),
        steps: planSteps(spec, found, changed, before?.version),
        notes: found.notes,
      };
    },
  };
}

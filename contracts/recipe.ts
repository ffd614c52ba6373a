/**
 * The recipe key: what a release is made from. Two runs with the same key make the same release,
 * so the second ends `unchanged`; two runs whose training inputs match share the trained model.
 * Pure: canonical JSON and the key's parts; hashing happens where node:crypto is allowed.
 */
import type { RunOutcome } from './outcome';
import type { EvaluationMetrics, TrainedModelRef } from './results';
import type { ReleaseSpec } from './spec';

/** The parts of the key, each short enough to show: which one changed is what `plan` reports. */
export interface RecipeParts {
  /** sha256 of the canonical spec without version and description (defaults filled in). */
  spec: string;
  /** sha256 of the prepared dataset bytes. */
  data: string;
  /** The pipeline code: git commit (with a digest of uncommitted changes when dirty). */
  code: string;
  /** sha256 of the canonical toolchain versions. */
  toolchain: string;
}

export interface RecipeRecord {
  /** sha256 over all parts: equal keys, equal releases. */
  key: string;
  /** sha256 over what training depends on: architecture, training settings, data, code, toolchain. */
  trainKey: string;
  parts: RecipeParts;
  /** tfjs (and with it tfjs-node's TensorFlow), tfjs-tflite-node, TFLite, liteship. */
  toolchain: Record<string, string>;
  /** Set when this release reused the trained model of an earlier one. */
  trainedFrom?: string;
}

/** JSON with object keys sorted at every level, so key order never changes a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What of a validated spec the release depends on: everything but its label (version, description). */
export function recipeSpecOf(spec: ReleaseSpec): Omit<ReleaseSpec, 'version' | 'description'> {
  const { version: _version, description: _description, ...rest } = spec;
  return rest;
}

/** What of a validated spec the trained model depends on (the data section is covered by the fingerprint). */
export function trainingRecipeOf(spec: ReleaseSpec): Pick<ReleaseSpec, 'architecture' | 'training'> {
  return { architecture: spec.architecture, training: spec.training };
}

/** Fields the trained model depends on (prefixes of changed paths). */
export const TRAINING_FIELDS = ['architecture', 'training'];

/** Dotted paths whose values differ between two specs (version and description ignored). */
export function specChanges(before: ReleaseSpec, after: ReleaseSpec): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    const isObj = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
    if (isObj(a) && isObj(b)) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort()) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    } else if (canonicalJson(a) !== canonicalJson(b)) out.push(path);
  };
  walk(recipeSpecOf(before), recipeSpecOf(after), '');
  return out;
}

/** `spec, data a4039c18, code 2420eca`: the parts two recipes share, for the `unchanged` line. */
export function describeSameParts(parts: RecipeParts): string {
  return `spec, data ${parts.data.slice(0, 8)}, code ${parts.code.slice(0, 7)}`;
}

const recipePrefix = '_liteship/recipes/';
export const recipeKeys = {
  /** The release a recipe key made (a small mutable pointer: the newest such release). */
  release: (model: string, key: string) => `${recipePrefix}${model}/${key}.json`,
  /** The trained model a training key made, with its evaluation. */
  trained: (trainKey: string) => `${recipePrefix}_trained/${trainKey}.json`,
};

/** What the recipe check found before anything heavy runs. */
export interface RecipeLookup {
  recipe: RecipeRecord;
  /** A published release with the same key, its bytes checked: the run ends here. */
  unchanged?: { version: string; reason: string };
  /** A trained model (and its evaluation) with the same training key, its bytes checked. */
  reuse?: { version: string; trained: TrainedModelRef; evaluation: EvaluationMetrics };
  /** Why something that matched is not used (missing or corrupt bytes), or that --force was given. */
  notes: string[];
}

/** One row of `liteship plan`. */
export interface PlanStep {
  step: string;
  action: 'run' | 'reuse' | 'skip';
  why: string;
}

export interface RecipePlan {
  model: string;
  recipe: RecipeRecord;
  /** The latest release compared with, when the model has one. */
  comparedWith?: { version: string; recipe?: RecipeRecord };
  /** Which key parts differ from comparedWith: 'spec: training.epochs', 'data', 'code', 'toolchain'. */
  changed: string[];
  unchanged?: { version: string; reason: string };
  steps: PlanStep[];
  notes: string[];
}

/** What a run returns when its recipe key matches a published, intact release: no new version. */
export interface UnchangedResult {
  outcome: RunOutcome;
  model: string;
  /** The release it matches. */
  version: string;
  unchanged: { version: string; reason: string };
  recipe: RecipeRecord;
  notes: string[];
}

/** Options of a release run besides its spec. */
export interface ReleaseOptions {
  /** Run every step even when the recipe key matches a release or a trained model. */
  force?: boolean;
}

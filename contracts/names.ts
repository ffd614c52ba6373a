/**
 * Model names and versions: the first two path segments of every release in the bucket. One rule
 * for the spec's `model`/`version` and for every CLI argument that names a model or a version.
 */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MODEL_NAME_RULE = 'must be lowercase letters, digits and dashes (at most 63), starting with a letter or digit';
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const VERSION_RULE = 'must be letters, digits, dots, dashes or underscores (at most 63), starting with a letter or digit';

/** Why `name` is not a model name, or undefined when it is one. */
export function modelNameProblem(name: string): string | undefined {
  return MODEL_NAME_PATTERN.test(name) ? undefined : `${JSON.stringify(name)} ${MODEL_NAME_RULE}`;
}

/** Why `version` is not a release version, or undefined when it is one. */
export function versionProblem(version: string): string | undefined {
  return VERSION_PATTERN.test(version) ? undefined : `${JSON.stringify(version)} ${VERSION_RULE}`;
}

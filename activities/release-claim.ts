/**
 * Which version a run publishes, exactly once.
 *
 * A version is taken with a conditional write of `<model>/<version>/.claim.json` (If-None-Match: *),
 * so two runs never take the same number. Before claiming, a run records the number it is about to
 * claim in its own pointer (`_liteship/runs/<workflowId>/release-claim-<runId>.json`): a retried
 * attempt reads the pointer and finishes that version instead of counting its own claim among the
 * taken ones and claiming the next. A run that fails after claiming marks the version abandoned
 * (`.abandoned.json`), so `releases` can say why the number has no release.
 */
import { FailureType, RELEASE_FILES, nextAutoVersion, storageKeys, type AbandonedClaimFile, type FailureDeclaration, type ReleaseClaimFile } from '../contracts';
import { listVersionFolders } from '../infra/release-folders';
import { readJsonIfExists } from '../infra/release-records';
import { ObjectAlreadyExistsError, type ObjectStore } from '../infra/object-store';

export interface RunIdentity {
  workflowId: string;
  runId: string;
}

export class ReleaseVersionExistsError extends Error {
  override readonly name = 'ReleaseVersionExistsError';
  /** Releases are immutable: the same version is taken on every retry. */
  static readonly failure: FailureDeclaration = { type: FailureType.versionExists, retryable: false };
}

const MAX_CLAIM_TRIES = 20;

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

const sameRun = (a: RunIdentity, b: RunIdentity) => a.workflowId === b.workflowId && a.runId === b.runId;

const runClaimPointerKey = (run: RunIdentity) => storageKeys.runReleaseClaim(run.workflowId, run.runId);

/** The version this run claimed or was about to claim, if any. */
async function pointedVersion(store: ObjectStore, model: string, run: RunIdentity): Promise<string | undefined> {
  const pointer = await readJsonIfExists<{ model: string; version: string }>(store, runClaimPointerKey(run));
  return pointer?.model === model ? pointer.version : undefined;
}

export function versionTakenMessage(model: string, version: string, holder: RunIdentity): string {
  return (
    `${model} ${version} already exists (claimed by workflow ${holder.workflowId}); releases are immutable. ` +
    `Remove "version" from the spec to take the next free version, or choose a new one.`
  );
}

/** Claims a version for this run, or finds the one it already claimed on an earlier attempt. */
export async function claimVersion(store: ObjectStore, model: string, explicitVersion: string | undefined, run: RunIdentity): Promise<string> {
  let candidate = explicitVersion ?? (await pointedVersion(store, model, run));
  for (let tries = 0; tries < MAX_CLAIM_TRIES; tries++) {
    const version = candidate ?? nextAutoVersion(await listVersionFolders(store, model));
    // Only this run writes its pointer, so a plain overwrite is safe; it must land before the claim.
    if (!explicitVersion) await store.put(runClaimPointerKey(run), json({ model, version }), { contentType: 'application/json' });
    const key = storageKeys.releaseFile(model, version, RELEASE_FILES.claim);
    try {
      const claim: ReleaseClaimFile = { ...run, claimedAt: new Date().toISOString() };
      await store.put(key, json(claim), { ifNoneMatch: '*', contentType: 'application/json' });
      return version;
    } catch (err) {
      if (!(err instanceof ObjectAlreadyExistsError)) throw err;
      const holder = await readJsonIfExists<ReleaseClaimFile>(store, key);
      if (holder && sameRun(holder, run)) return version;
      if (explicitVersion) throw new ReleaseVersionExistsError(versionTakenMessage(model, version, holder ?? { workflowId: '?', runId: '?' }));
      // Another run took this number between our list and our claim: look again.
      candidate = undefined;
    }
  }
  throw new Error(`could not claim a version of ${model} after ${MAX_CLAIM_TRIES} tries: too many concurrent releases`);
}

/**
 * Refuses an explicit version that another workflow already claimed, before any training happens.
 * A claim by this same workflow (an earlier attempt) is not a conflict.
 */
export async function assertVersionFree(store: ObjectStore, model: string, version: string, workflowId: string): Promise<void> {
  const holder = await readJsonIfExists<ReleaseClaimFile>(store, storageKeys.releaseFile(model, version, RELEASE_FILES.claim));
  const released = await store.head(storageKeys.releaseFile(model, version, RELEASE_FILES.manifest));
  if (holder && holder.workflowId === workflowId && !released) return;
  if (holder || released) throw new ReleaseVersionExistsError(versionTakenMessage(model, version, holder ?? { workflowId: '?', runId: '?' }));
}

/**
 * After a run failed: marks the version it claimed (if any, and if it has no manifest) as abandoned,
 * so the number is never reused and readers can tell a dead claim from a publish in progress.
 * Returns the version marked, or undefined when there was nothing to mark.
 */
export async function abandonClaim(
  store: ObjectStore,
  model: string,
  explicitVersion: string | undefined,
  run: RunIdentity,
  reason: string,
): Promise<string | undefined> {
  const version = explicitVersion ?? (await pointedVersion(store, model, run));
  if (!version) return undefined;
  const holder = await readJsonIfExists<ReleaseClaimFile>(store, storageKeys.releaseFile(model, version, RELEASE_FILES.claim));
  if (!holder || !sameRun(holder, run)) return undefined;
  if (await store.head(storageKeys.releaseFile(model, version, RELEASE_FILES.manifest))) return undefined;
  const marker: AbandonedClaimFile = { ...run, abandonedAt: new Date().toISOString(), reason: reason.slice(0, 500) };
  try {
    await store.put(storageKeys.releaseFile(model, version, RELEASE_FILES.abandoned), json(marker), { ifNoneMatch: '*', contentType: 'application/json' });
  } catch (err) {
    if (!(err instanceof ObjectAlreadyExistsError)) throw err;
  }
  return version;
}

export interface AbandonReleaseClaimInput extends RunIdentity {
  model: string;
  /** The spec's explicit version, if it named one. */
  version?: string;
  reason: string;
}

/** The activity the workflow runs when publish failed for good. */
export function createAbandonReleaseClaim(store: ObjectStore) {
  return async function abandonReleaseClaim({ model, version, workflowId, runId, reason }: AbandonReleaseClaimInput): Promise<string | undefined> {
    return abandonClaim(store, model, version, { workflowId, runId }, reason);
  };
}

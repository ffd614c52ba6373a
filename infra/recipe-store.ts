/**
 * Recipe keys in the bucket: which release a recipe key made, and which trained model a training
 * key made. Nothing is trusted blindly: before a match is used, every byte it points at is read
 * back and checked against its sha256; a missing or corrupt object means "run again", with a note.
 */
import { createHash } from 'node:crypto';
import {
  RELEASE_FILES,
  canonicalJson,
  recipeKeys,
  recipeSpecOf,
  storageKeys,
  trainingRecipeOf,
  type EvaluationMetrics,
  type RecipeParts,
  type RecipeRecord,
  type ReleaseManifest,
  type ReleaseSpec,
  type TrainedModelRef,
} from '../contracts';
import type { ObjectStore } from './object-store';
import { parseS3Uri } from './s3-uri';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
const parse = <T>(bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T;

/** Toolchain versions that change what a release contains (the Node version and the OS do not enter the key). */
export function toolchainOf(runtimes: Record<string, string>): Record<string, string> {
  const { node: _node, ...rest } = runtimes;
  return rest;
}

export function recipeRecord(spec: ReleaseSpec, dataFingerprint: string, code: string, toolchain: Record<string, string>): RecipeRecord {
  const parts: RecipeParts = {
    spec: sha256(canonicalJson(recipeSpecOf(spec))),
    data: dataFingerprint,
    code,
    toolchain: sha256(canonicalJson(toolchain)),
  };
  const trainKey = sha256(canonicalJson({ training: trainingRecipeOf(spec), data: parts.data, code: parts.code, toolchain: parts.toolchain }));
  return { key: sha256(canonicalJson(parts)), trainKey, parts, toolchain };
}

interface ReleasePointer {
  model: string;
  version: string;
  manifestSha256: string;
}

export interface TrainedEntry {
  /** The release whose run trained it. */
  version: string;
  model: string;
  trained: TrainedModelRef;
  evaluation: EvaluationMetrics;
}

type Found<T> = { found: T; note?: undefined } | { found?: undefined; note?: string };

export class RecipeStore {
  constructor(private readonly store: ObjectStore) {}

  /** The release this key made, if it is still whole (manifest and every file match their sha256). */
  async findRelease(model: string, key: string): Promise<Found<{ version: string; manifest: ReleaseManifest }>> {
    const pointer = await this.readJson<ReleasePointer>(recipeKeys.release(model, key));
    if (!pointer) return {};
    const manifestKey = storageKeys.releaseFile(model, pointer.version, RELEASE_FILES.manifest);
    const manifestBytes = await this.readBytes(manifestKey);
    if (!manifestBytes || sha256(manifestBytes) !== pointer.manifestSha256) {
      return { note: `${model} ${pointer.version} has the same recipe but its manifest is ${manifestBytes ? 'not the one recorded' : 'missing'}: running again` };
    }
    const manifest = parse<ReleaseManifest>(manifestBytes);
    for (const [file, expected] of Object.entries(manifest.files)) {
      const bytes = await this.readBytes(storageKeys.releaseFile(model, pointer.version, file));
      if (!bytes || bytes.byteLength !== expected.bytes || sha256(bytes) !== expected.sha256) {
        return { note: `${model} ${pointer.version} has the same recipe but its ${file} is ${bytes ? 'corrupt (sha256 mismatch)' : 'missing'}: running again` };
      }
    }
    return { found: { version: pointer.version, manifest } };
  }

  /** The trained model this training key made, if its bytes are still there and intact. */
  async findTrained(trainKey: string): Promise<Found<TrainedEntry>> {
    const entry = await this.readJson<TrainedEntry>(recipeKeys.trained(trainKey));
    if (!entry) return {};
    const ref = entry.trained.model;
    const { bucket, key } = parseS3Uri(ref.uri);
    const bytes = bucket === this.store.bucket ? await this.readBytes(key) : undefined;
    if (!bytes || bytes.byteLength !== ref.bytes || sha256(bytes) !== ref.sha256) {
      return { note: `the trained model of ${entry.model} ${entry.version} is ${bytes ? 'corrupt (sha256 mismatch)' : 'missing'} at ${ref.uri}: training again` };
    }
    return { found: entry };
  }

  /** After a release: its key points at it (the newest wins), and its trained model becomes reusable. */
  async record(model: string, version: string, recipe: RecipeRecord, trained: TrainedModelRef, evaluation: EvaluationMetrics): Promise<void> {
    const manifestBytes = await this.store.get(storageKeys.releaseFile(model, version, RELEASE_FILES.manifest));
    const pointer: ReleasePointer = { model, version, manifestSha256: sha256(manifestBytes) };
    await this.store.put(recipeKeys.release(model, recipe.key), json(pointer), { contentType: 'application/json' });
    // A reused model keeps pointing at the release that trained it.
    if (recipe.trainedFrom) return;
    const entry: TrainedEntry = { version, model, trained, evaluation };
    await this.store.put(recipeKeys.trained(recipe.trainKey), json(entry), { contentType: 'application/json' });
  }

  private async readBytes(key: string): Promise<Uint8Array | undefined> {
    if (!(await this.store.head(key))) return undefined;
    try {
      return await this.store.get(key);
    } catch (err) {
      if ((err as Error).name === 'ObjectNotFoundError') return undefined;
      throw err;
    }
  }

  private async readJson<T>(key: string): Promise<T | undefined> {
    const bytes = await this.readBytes(key);
    return bytes ? parse<T>(bytes) : undefined;
  }
}

/** Reads a spec file: JSON with clear parse errors, data paths resolved against the spec's folder. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SpecValidationError, validateSpec, type ReleaseSpec } from '../contracts';
import { UsageError } from './io';
import { checkLayerTypes } from './layer-types';

const PATH_FIELDS = ['trainImages', 'trainLabels', 'testImages', 'testLabels', 'train', 'test'];

export function resolveDataPaths(raw: unknown, baseDir: string): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const data = (raw as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return raw;
  const resolved: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const field of PATH_FIELDS) {
    const value = resolved[field];
    if (typeof value === 'string' && value.length > 0 && !value.startsWith('s3://') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      resolved[field] = path.resolve(baseDir, value);
    }
  }
  return { ...(raw as object), data: resolved };
}

/** A relative architecture.model (saved model to fine-tune) is relative to the spec file too. */
function resolveModelPath(raw: unknown, baseDir: string): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const arch = (raw as { architecture?: unknown }).architecture;
  if (typeof arch !== 'object' || arch === null) return raw;
  const model = (arch as { model?: unknown }).model;
  if (typeof model !== 'string' || model.length === 0 || model.startsWith('s3://') || /^[a-z][a-z0-9+.-]*:\/\//i.test(model)) return raw;
  return { ...(raw as object), architecture: { ...(arch as object), model: path.resolve(baseDir, model) } };
}

export async function loadSpecFile(file: string): Promise<ReleaseSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read spec file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = withoutSchemaReference(JSON.parse(text));
  } catch (err) {
    throw new SpecValidationError([{ path: '(file)', message: `not valid JSON: ${(err as Error).message}` }], file);
  }
  const baseDir = path.dirname(path.resolve(file));
  const spec = validateSpec(resolveModelPath(resolveDataPaths(raw, baseDir), baseDir), file);
  await checkLayerTypes(spec, file);
  return spec;
}

/** `"$schema"` points editors at specs/release-spec.schema.json; it is not part of the spec. */
function withoutSchemaReference(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('$schema' in raw)) return raw;
  const { $schema: _schema, ...spec } = raw as Record<string, unknown>;
  return spec;
}

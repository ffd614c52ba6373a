// The committed JSON Schema is the one generated from the validator, and it agrees with the validator.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSpecFile } from '../../../client/spec-file';
import { SpecValidationError, validateSpec } from '../../../contracts';
import { releaseSpecSchema, releaseSpecSchemaText, SPEC_SCHEMA_FILE } from '../../../contracts/spec-schema';

type Schema = { type?: string; properties?: Record<string, Schema>; enum?: string[]; minimum?: number; maximum?: number; required?: string[] };

const root = path.join(__dirname, '..', '..', '..');
const schema = releaseSpecSchema() as Schema;
/** A valid spec with every section, so a field can be set anywhere. */
const BASE = { model: 'schema-check', data: { source: 'mnist' }, variants: ['float32', 'pruned-float32'], pruning: { targetSparsity: 0.5 } };

function withValue(pathParts: string[], value: unknown): Record<string, unknown> {
  const spec = structuredClone(BASE) as Record<string, unknown>;
  let node = spec;
  for (const part of pathParts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[pathParts.at(-1) as string] = value;
  return spec;
}

function problemsOf(spec: unknown): string[] {
  try {
    validateSpec(spec);
    return [];
  } catch (err) {
    if (!(err instanceof SpecValidationError)) throw err;
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

/** Every leaf of the sections (data has its own test in the validator's suite). */
function leaves(s: Schema, prefix: string[] = []): Array<{ at: string[]; schema: Schema }> {
  return Object.entries(s.properties ?? {}).flatMap(([key, child]) =>
    key === 'data' || key === '$schema' ? [] : child.properties ? leaves(child, [...prefix, key]) : [{ at: [...prefix, key], schema: child }],
  );
}

test('specs/release-spec.schema.json is the schema generated from contracts/spec.ts', () => {
  const committed = readFileSync(path.join(root, SPEC_SCHEMA_FILE), 'utf8');
  if (committed !== releaseSpecSchemaText()) {
    throw new Error(`${SPEC_SCHEMA_FILE} is stale: run \`npx tsx scripts/write-spec-schema.ts\` and commit it`);
  }
});

test('the schema knows the sections and the required fields the validator knows', () => {
  expect(Object.keys(schema.properties ?? {})).toEqual(
    expect.arrayContaining(['$schema', 'model', 'version', 'description', 'architecture', 'data', 'training', 'benchmark', 'variants', 'quantization', 'pruning', 'gate']),
  );
  expect(schema.required).toEqual(expect.arrayContaining(['data', 'model']));
  expect(schema.properties?.pruning?.required).toEqual(['targetSparsity']);
  // One branch per data source the validator accepts, each with that source's required fields.
  const data = schema.properties?.data as Schema & { allOf: Array<{ if: { properties: { source: { const: string } } }; then: Schema }> };
  expect(data.allOf.map((b) => b.if.properties.source.const)).toEqual(data.properties?.source?.enum);
  expect(data.allOf.find((b) => b.if.properties.source.const === 'idx')?.then.required).toEqual(['testImages', 'testLabels', 'trainImages', 'trainLabels']);
});

test('every numeric bound in the schema is the validator\'s: min and max pass, just outside fails at that field', () => {
  const numeric = leaves(schema).filter((l) => l.schema.minimum !== undefined && l.schema.maximum !== undefined);
  expect(numeric.length).toBeGreaterThan(15);
  for (const { at, schema: s } of numeric) {
    const field = at.join('.');
    const step = s.type === 'integer' ? 1 : Math.max((s.maximum as number) * 1e-6, 1e-9);
    expect({ field, problems: problemsOf(withValue(at, s.minimum)) }).toEqual({ field, problems: [] });
    expect({ field, problems: problemsOf(withValue(at, s.maximum)) }).toEqual({ field, problems: [] });
    expect(problemsOf(withValue(at, (s.maximum as number) + step))).toEqual([`${field}: must be between ${s.minimum} and ${s.maximum}, got ${(s.maximum as number) + step}`]);
    expect(problemsOf(withValue(at, (s.minimum as number) - step))).toEqual([`${field}: must be between ${s.minimum} and ${s.maximum}, got ${(s.minimum as number) - step}`]);
  }
});

test('every enum in the schema is the validator\'s: each value passes, anything else fails with the list', () => {
  const enums = leaves(schema).filter((l) => l.schema.enum);
  expect(enums.map((l) => l.at.join('.'))).toEqual(expect.arrayContaining(['training.backend', 'gate.sizeBy']));
  for (const { at, schema: s } of enums) {
    for (const value of s.enum ?? []) expect(problemsOf(withValue(at, value))).toEqual([]);
    expect(problemsOf(withValue(at, 'not-an-option'))).toEqual([expect.stringContaining(`must be one of ${(s.enum ?? []).map((o) => JSON.stringify(o)).join(', ')}`)]);
  }
});

test('the rules checked inline agree too: int8Io is a boolean, a csv imageShape has three whole numbers', () => {
  expect(problemsOf(withValue(['quantization', 'int8Io'], 'yes'))).toEqual(['quantization.int8Io: must be true or false, got "yes"']);
  const csv = (imageShape: unknown) => ({ ...BASE, data: { source: 'csv', train: '/t.csv', test: '/e.csv', imageShape, numClasses: 10 } });
  expect(problemsOf(csv([28, 28, 1]))).toEqual([]);
  expect(problemsOf(csv([4096, 1, 1]))).toEqual([]);
  expect(problemsOf(csv([28, 28]))).toHaveLength(1);
  expect(problemsOf(csv([4097, 1, 1]))).toHaveLength(1);
  expect(problemsOf(csv([28, 28, 0.5]))).toHaveLength(1);
});

test('every spec in specs/ points editors at the schema and still loads', async () => {
  const specs = readdirSync(path.join(root, 'specs')).filter((f) => f.endsWith('.json') && f !== path.basename(SPEC_SCHEMA_FILE));
  expect(specs.length).toBeGreaterThan(0);
  for (const file of specs) {
    const full = path.join(root, 'specs', file);
    expect(JSON.parse(readFileSync(full, 'utf8')).$schema).toBe('./release-spec.schema.json');
    await expect(loadSpecFile(full)).resolves.toMatchObject({ model: expect.any(String) });
  }
});

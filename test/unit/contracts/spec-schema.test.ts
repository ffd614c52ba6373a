// The committed JSON Schema is the one generated from the validator, and it agrees with the validator.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSpecFile } from '../../../client/spec-file';
import { SpecValidationError, validateSpec } from '../../../contracts';
import { releaseSpecSchema, releaseSpecSchemaText, SPEC_SCHEMA_FILE } from '../../../contracts/spec-schema';
import { layerTypeProblems, supportedLayerTypes } from '../../../ml/architectures';
import { converterTable } from '../../../tflite';

type Schema = { type?: string; properties?: Record<string, Schema>; enum?: string[]; minimum?: number; maximum?: number; required?: string[] };

const root = path.join(__dirname, '..', '..', '..');
/** What scripts/write-spec-schema.ts passes: the converter's layer types. */
const options = { layerTypes: supportedLayerTypes(converterTable()) };
const schema = releaseSpecSchema(options) as Schema;
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
  if (committed !== releaseSpecSchemaText(options)) {
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

describe('architecture: one schema branch per form the validator accepts, from the same rules', () => {
  type Branch = Schema & { const?: string; default?: unknown; additionalProperties?: boolean; exclusiveMinimum?: number; pattern?: string; items?: Branch; minItems?: number };
  const architecture = schema.properties?.architecture as Schema & { default: string; oneOf: Array<Branch & { properties?: Record<string, Branch> }> };
  // 32x32x3 images, so mobilenet-v2 is allowed too.
  const problems = (value: unknown) =>
    problemsOf({ ...BASE, architecture: value, data: { source: 'csv', train: '/t.csv', test: '/e.csv', imageShape: [32, 32, 3], numClasses: 3 } });
  const accepted = (value: unknown) => validateSpec({ model: 'schema-check', architecture: value, data: { source: 'csv', train: '/t.csv', test: '/e.csv', imageShape: [32, 32, 3], numClasses: 3 } }).architecture;
  const [names, builtin, mobilenet, layers, saved] = architecture.oneOf;

  it('names: each passes, anything else fails listing them; the default is the validator\'s', () => {
    expect(architecture.default).toBe(accepted(undefined));
    for (const name of names?.enum ?? []) expect(problems(name)).toEqual([]);
    expect(problems('resnet')).toEqual([expect.stringContaining(`must be one of ${(names?.enum ?? []).map((n) => JSON.stringify(n)).join(', ')}`)]);
  });

  it('each object form allows exactly its fields: any other is an unknown field listing them', () => {
    const examples: Record<string, unknown> = { name: 'mlp', layers: [{ type: 'dense', units: 3, activation: 'softmax' }], model: '/m/model.json' };
    for (const branch of [builtin, mobilenet, layers, saved]) {
      const fields = Object.keys(branch?.properties ?? {});
      const selector = branch?.required?.[0] as string;
      expect(branch?.additionalProperties).toBe(false);
      expect(problems({ [selector]: examples[selector], extra: 1 })).toEqual([`architecture.extra: unknown field; allowed fields: ${fields.join(', ')}`]);
    }
  });

  it('built-ins by name; alpha only for mobilenet-v2, in its range, with its default', () => {
    for (const name of builtin?.properties?.name?.enum ?? []) {
      expect(problems({ name })).toEqual([]);
      expect(problems({ name, alpha: 0.5 })).toEqual(['architecture.alpha: only mobilenet-v2 has a width multiplier']);
    }
    const alpha = mobilenet?.properties?.alpha as Branch;
    expect(accepted({ name: mobilenet?.properties?.name?.const })).toEqual({ name: 'mobilenet-v2', alpha: alpha.default });
    expect(problems({ name: 'mobilenet-v2', alpha: alpha.maximum })).toEqual([]);
    expect(problems({ name: 'mobilenet-v2', alpha: 1e-3 })).toEqual([]);
    for (const bad of [alpha.exclusiveMinimum, (alpha.maximum as number) + 1e-6]) {
      expect(problems({ name: 'mobilenet-v2', alpha: bad })).toEqual([expect.stringMatching(new RegExp(`^architecture.alpha: must be a width multiplier in \\(${alpha.exclusiveMinimum}, ${alpha.maximum}\\]`))]);
    }
  });

  it('layers: a non-empty list of objects with a type', () => {
    const list = layers?.properties?.layers as Branch;
    expect(list.minItems).toBe(1);
    expect(list.items?.required).toEqual(['type']);
    expect(problems({ layers: [] })).toEqual([expect.stringMatching(/^architecture.layers: must be a non-empty list/)]);
    expect(problems({ layers: [{ units: 3 }] })).toEqual([expect.stringMatching(/^architecture.layers\[0\].type: must name a TensorFlow.js layer/)]);
    expect(problems({ layers: [{ type: 'dense', units: 3, activation: 'softmax' }] })).toEqual([]);
  });

  it("layer types: the converter's table the CLI checks against, in any letter case as the check matches them", () => {
    const type = (layers?.properties?.layers as Branch).items?.properties?.type as Branch & { anyOf: [{ enum: string[] }, { pattern: string }] };
    const [listed, anyCase] = type.anyOf;
    expect(listed.enum).toEqual(options.layerTypes);
    expect(listed.enum).toEqual(expect.arrayContaining(['conv2d', 'dense', 'depthwiseConv2d', 'flatten']));
    const check = (t: string) => layerTypeProblems([{ type: t }], converterTable()).problems;
    const matches = (t: string) => new RegExp(anyCase.pattern).test(t);
    for (const t of [...listed.enum, 'Conv2D', 'DENSE', 'DepthwiseConv2D']) expect({ t, matches: matches(t), problems: check(t) }).toEqual({ t, matches: true, problems: [] });
    for (const t of ['lstm', 'conv2dd', 'foo', 'conv2d ']) expect({ t, matches: matches(t), problems: check(t).length }).toEqual({ t, matches: false, problems: 1 });
  });

  it('model: a model.json, trainable "all" or {from}, newHead a boolean; defaults are the validator\'s', () => {
    const props = saved?.properties as Record<string, Branch>;
    expect(new RegExp(props.model!.pattern!).test('/m/model.json')).toBe(true);
    expect(problems({ model: '/m/model.bin' })).toEqual(['architecture.model: "/m/model.bin" must point at the model.json of a saved TensorFlow.js layers model']);
    expect(accepted({ model: '/m/model.json' })).toEqual({ model: '/m/model.json', trainable: props.trainable!.default, newHead: props.newHead!.default });
    expect(problems({ model: '/m/model.json', trainable: { from: 'hidden' }, newHead: true })).toEqual([]);
    expect(problems({ model: '/m/model.json', trainable: { from: '' } })).toEqual([expect.stringMatching(/^architecture.trainable: must be "all" or/)]);
    expect(problems({ model: '/m/model.json', newHead: 'yes' })).toEqual(['architecture.newHead: must be true or false, got "yes"']);
  });
});

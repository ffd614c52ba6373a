/**
 * The release spec's JSON Schema (specs/release-spec.schema.json, for editor completion), derived from
 * validateSpec itself: the validator runs on a few probe specs with a recorder attached and reports every
 * field it checks (type, bounds, enum, pattern, the default it filled in, the fields an object allows),
 * and a field is required when leaving it out is a problem. A new field checked with the validator's
 * helpers appears here with no extra work; a new data source is probed by itself (one probe per
 * `data.source` the validator accepts). Cross-field rules (pruned variants need a pruning section)
 * stay the validator's: the schema helps writing a spec, the validator's messages judge it.
 */
import type { SchemaFragment, SpecSchemaRecorder } from './spec-schema-recorder';
import { architectureSchema } from './architecture';
import { SpecValidationError, validateSpec } from './spec';

export const SPEC_SCHEMA_FILE = 'specs/release-spec.schema.json';

class Recording implements SpecSchemaRecorder {
  readonly fields = new Map<string, SchemaFragment>();
  readonly allowed = new Map<string, readonly string[]>();
  readonly required = new Map<string, Set<string>>();

  field(path: string, fragment: SchemaFragment): void {
    const key = normalize(path);
    this.fields.set(key, { ...this.fields.get(key), ...fragment });
  }

  keys(path: string, allowed: readonly string[]): void {
    this.allowed.set(normalize(path), allowed);
  }

  /** Runs the validator on `probe`; a problem at a field the probe left out makes that field required. */
  probe(probe: Record<string, unknown>): void {
    try {
      validateSpec(probe, 'schema probe', this);
    } catch (err) {
      if (!(err instanceof SpecValidationError)) throw err;
      for (const { path } of err.problems) {
        const key = normalize(path);
        if (key === '' || key.includes('[') || valueAt(probe, key) !== undefined) continue;
        const parent = key.includes('.') ? key.slice(0, key.lastIndexOf('.')) : '';
        const set = this.required.get(parent) ?? new Set<string>();
        set.add(key.slice(parent.length ? parent.length + 1 : 0));
        this.required.set(parent, set);
      }
    }
  }

  /** The schema of the value at `path`, from everything recorded under it. */
  build(path: string): SchemaFragment {
    const out: SchemaFragment = { ...this.fields.get(path), ...INLINE_RULES[path] };
    const allowed = this.allowed.get(path);
    if (allowed) {
      out.type = 'object';
      out.properties = Object.fromEntries(allowed.map((k) => [k, this.build(path ? `${path}.${k}` : k)]));
      out.additionalProperties = false;
      const required = [...(this.required.get(path) ?? [])].filter((k) => allowed.includes(k)).sort();
      if (required.length > 0) out.required = required;
      // A required field has no default: the value the validator carries on with is not one.
      for (const k of required) delete (out.properties as Record<string, SchemaFragment>)[k]?.default;
    }
    if (this.fields.has(`${path}[0]`)) Object.assign(out, { type: 'array', minItems: 1, uniqueItems: true, items: this.build(`${path}[0]`) });
    return out;
  }
}

/**
 * The two rules validateSpec checks inline rather than through a Checker helper, so nothing records
 * them; test/unit/contracts/spec-schema.test.ts holds them to the validator's answers.
 */
const INLINE_RULES: Record<string, SchemaFragment> = {
  'quantization.int8Io': { type: 'boolean', default: false },
  'data.imageShape': {
    type: 'array',
    description: '[height, width, channels]',
    items: { type: 'integer', minimum: 1, maximum: 4096 },
    minItems: 3,
    maxItems: 3,
  },
};

const normalize = (path: string) => (path === '(root)' ? '' : path.replace(/\[\d+\]/g, '[0]'));

function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), obj);
}

const MODEL = { model: 'schema-probe' };

export interface SpecSchemaOptions {
  /**
   * The `type`s a layers architecture may use: the TFLite converter's table, which the CLI checks
   * before a release (scripts/write-spec-schema.ts passes it; contracts/ imports nothing of ours).
   */
  layerTypes?: readonly string[];
}

/** The JSON Schema (draft-07, what editors support best) of a release spec file. */
export function releaseSpecSchema(options: SpecSchemaOptions = {}): SchemaFragment {
  const rec = new Recording();
  rec.probe({}); // required at the top
  rec.probe({ ...MODEL, data: {} }); // required in data
  rec.probe({ ...MODEL, data: { source: 'mnist' } }); // every default
  // Every optional field present, so the validator checks (and reports) it.
  rec.probe({
    ...MODEL,
    version: 'v1',
    description: 'probe',
    data: { source: 'mnist' },
    variants: ['float32', 'pruned-float32'],
    pruning: {},
    gate: { minAccuracy: 0.5, maxBytes: 1, maxP90Ms: 1, sizeBy: 'bytes' },
  });

  const sources = (rec.fields.get('data.source')?.enum ?? []) as string[];
  const branches = sources.map((source) => {
    const branch = new Recording();
    branch.probe({ ...MODEL, data: { source } });
    const { type: _type, ...then } = branch.build('data');
    return { if: { properties: { source: { const: source } }, required: ['source'] }, then };
  });

  const root = rec.build('');
  const properties = root.properties as Record<string, SchemaFragment>;
  properties.data = { type: 'object', required: ['source'], properties: { source: rec.build('data.source') }, allOf: branches };
  // checkArchitecture recorded its schema; with the converter's layer types it can name them too.
  if (options.layerTypes) properties.architecture = architectureSchema(options.layerTypes);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'liteship release spec',
    description: `Generated from contracts/spec.ts by contracts/spec-schema.ts: do not edit (npx tsx scripts/write-spec-schema.ts).`,
    ...root,
    properties: { $schema: { type: 'string', description: 'This schema, for editor completion.' }, ...properties },
  };
}

/** The committed file's text: stable key order and a trailing newline, so the equality test is exact. */
export function releaseSpecSchemaText(options: SpecSchemaOptions = {}): string {
  return `${JSON.stringify(releaseSpecSchema(options), null, 2)}\n`;
}

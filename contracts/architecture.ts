/**
 * The spec's `architecture`: a built-in name ("mlp", "cnn"), mobilenet-v2 with a width
 * multiplier, a Sequential list of TensorFlow.js layer configs, or a saved layers model to
 * fine-tune. This checks the shape of the field; which layer types exist is the converter's
 * table, checked by the CLI and the train activity before anything trains (ml/architectures).
 */

export type BuiltinArchitecture = 'mlp' | 'cnn';

/** One layer in TensorFlow.js's vocabulary: `type` is the tf.layers factory name ("conv2d"). */
export type LayerConfigSpec = { type: string } & Record<string, unknown>;

export type ArchitectureSpec =
  | BuiltinArchitecture
  | { name: 'mobilenet-v2'; alpha: number }
  | { layers: LayerConfigSpec[] }
  | {
      /** model.json of a saved TensorFlow.js layers model: an absolute local path or s3:// URI. */
      model: string;
      /** "all", or train only the named layer and those after it (earlier layers are frozen). */
      trainable: 'all' | { from: string };
      /** Replace the final Dense classifier with a new one for this dataset's class count. */
      newHead: boolean;
    };

/** Compatibility name: the plain strings plus the object forms. */
export type Architecture = ArchitectureSpec;

export const BUILTIN_ARCHITECTURES: readonly BuiltinArchitecture[] = ['mlp', 'cnn'];
export const DEFAULT_MOBILENET_ALPHA = 0.35;

/*
 * The rules below are the one source of both checkArchitecture and architectureSchema (the spec's
 * JSON Schema): the names, the object forms and their fields, the alpha range and the defaults.
 */
/** Names accepted as a plain string (mobilenet-v2 then gets the default alpha). */
const ARCHITECTURE_NAMES = [...BUILTIN_ARCHITECTURES, 'mobilenet-v2'] as const;
/** alpha: a width multiplier in (ALPHA_MIN, ALPHA_MAX]. */
const ALPHA_MIN = 0;
const ALPHA_MAX = 2;
/** The object forms, by the key that selects each, with every field the form allows. */
const FORMS = {
  name: ['name', 'alpha'],
  layers: ['layers'],
  model: ['model', 'trainable', 'newHead'],
} as const satisfies Record<string, readonly string[]>;
type Form = keyof typeof FORMS;
const FORM_KEYS = Object.keys(FORMS) as Form[];
const LAYER_EXAMPLE = { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' };
const MODEL_FILE = /\.json$/;

type Fail = (path: string, message: string) => undefined;
type Fragment = Record<string, unknown>;

/** Reports the field's schema (contracts/spec-schema.ts builds the spec's JSON Schema from these calls). */
export interface ArchitectureRecorder {
  field(path: string, fragment: Fragment): void;
}

const describe = (v: unknown): string => (v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : JSON.stringify(v));

function checkLayers(raw: unknown, fail: Fail): LayerConfigSpec[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    return fail('architecture.layers', `must be a non-empty list of layer configs such as ${JSON.stringify(LAYER_EXAMPLE).replace(/,/g, ', ').replace(/:/g, ': ')}, got ${describe(raw)}`);
  }
  let ok = true;
  raw.forEach((layer, i) => {
    if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) {
      ok = fail(`architecture.layers[${i}]`, `must be an object with a "type", got ${describe(layer)}`) ?? false;
    } else if (typeof (layer as { type?: unknown }).type !== 'string' || (layer as { type: string }).type.length === 0) {
      ok = fail(`architecture.layers[${i}].type`, `must name a TensorFlow.js layer, e.g. "conv2d" or "dense", got ${describe((layer as { type?: unknown }).type)}`) ?? false;
    }
  });
  return ok ? (raw as LayerConfigSpec[]) : undefined;
}

function checkSavedModel(obj: Record<string, unknown>, fail: Fail, location: (value: unknown, path: string) => string | undefined): ArchitectureSpec | undefined {
  const model = location(obj.model, 'architecture.model');
  const modelFile = model !== undefined && MODEL_FILE.test(model);
  if (model !== undefined && !modelFile) fail('architecture.model', `${JSON.stringify(model)} must point at the model.json of a saved TensorFlow.js layers model`);
  let trainable: 'all' | { from: string } | undefined = 'all';
  const t = obj.trainable;
  if (t !== undefined && t !== 'all') {
    const from = typeof t === 'object' && t !== null && !Array.isArray(t) ? (t as { from?: unknown }).from : undefined;
    if (typeof from === 'string' && from.length > 0 && Object.keys(t as object).length === 1) trainable = { from };
    else trainable = fail('architecture.trainable', `must be "all" or {"from": "<layer name>"} (layers before it are frozen), got ${describe(t)}`);
  }
  if (obj.newHead !== undefined && typeof obj.newHead !== 'boolean') fail('architecture.newHead', `must be true or false, got ${describe(obj.newHead)}`);
  if (model === undefined || trainable === undefined || !modelFile) return undefined;
  return { model, trainable, newHead: obj.newHead === true };
}

/**
 * Validates `architecture` (default "mlp"). `location` checks a local path / s3:// URI the
 * way the spec's data fields are checked. With a recorder, reports architectureSchema().
 */
export function checkArchitecture(
  raw: unknown,
  fail: Fail,
  location: (value: unknown, path: string) => string | undefined,
  recorder?: ArchitectureRecorder,
): ArchitectureSpec | undefined {
  recorder?.field('architecture', architectureSchema());
  if (raw === undefined) return 'mlp';
  const names = ARCHITECTURE_NAMES.map((n) => JSON.stringify(n)).join(', ');
  if (typeof raw === 'string') {
    if ((BUILTIN_ARCHITECTURES as readonly string[]).includes(raw)) return raw as BuiltinArchitecture;
    if (raw === 'mobilenet-v2') return { name: 'mobilenet-v2', alpha: DEFAULT_MOBILENET_ALPHA };
    return fail('architecture', `must be one of ${names}, or an object ({"name": "mobilenet-v2", "alpha": ${DEFAULT_MOBILENET_ALPHA}}, {"layers": [...]}, {"model": ".../model.json"}), got ${describe(raw)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('architecture', `must be a name or an object, got ${describe(raw)}`);
  }
  const obj = raw as Record<string, unknown>;
  const forms = FORM_KEYS.filter((k) => k in obj);
  if (forms.length !== 1) {
    return fail('architecture', `must have exactly one of "name" (built-in), "layers" (a layer list) or "model" (a saved model to fine-tune), got ${forms.length === 0 ? 'none' : forms.join(' and ')}`);
  }
  const form = forms[0] as Form;
  const allowed: readonly string[] = FORMS[form];
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) fail(`architecture.${key}`, `unknown field; allowed fields: ${allowed.join(', ')}`);
  if (form === 'layers') {
    const layers = checkLayers(obj.layers, fail);
    return layers ? { layers } : undefined;
  }
  if (form === 'model') return checkSavedModel(obj, fail, location);
  if ((BUILTIN_ARCHITECTURES as readonly unknown[]).includes(obj.name)) {
    if (obj.alpha !== undefined) return fail('architecture.alpha', `only mobilenet-v2 has a width multiplier`);
    return obj.name as BuiltinArchitecture;
  }
  if (obj.name !== 'mobilenet-v2') return fail('architecture.name', `must be ${ARCHITECTURE_NAMES.map((n) => JSON.stringify(n)).join(', ').replace(/, ([^,]*)$/, ' or $1')}, got ${describe(obj.name)}`);
  const alpha = obj.alpha ?? DEFAULT_MOBILENET_ALPHA;
  if (typeof alpha !== 'number' || !(alpha > ALPHA_MIN && alpha <= ALPHA_MAX)) {
    return fail('architecture.alpha', `must be a width multiplier in (${ALPHA_MIN}, ${ALPHA_MAX}], e.g. 0.35, 0.5, 0.75 or 1.0, got ${describe(obj.alpha)}`);
  }
  return { name: 'mobilenet-v2', alpha };
}

/** A regex source matching `word` in any letter case (JSON Schema patterns have no "i" flag). */
function anyCase(word: string): string {
  return [...word].map((ch) => (ch.toLowerCase() === ch.toUpperCase() ? ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : `[${ch.toLowerCase()}${ch.toUpperCase()}]`)).join('');
}

/**
 * The JSON Schema of `architecture` (draft-07): one branch per form checkArchitecture accepts, from the
 * same rules. `layerTypes`: the converter's layer types (the table the CLI checks `type` against, which
 * contracts cannot import), offered for completion and matched in any case, as the check matches them.
 */
export function architectureSchema(layerTypes?: readonly string[]): Fragment {
  const typeDescription = 'A tf.layers factory name the TFLite converter supports, e.g. "conv2d", "dense"; the other keys are its config.';
  const layerType: Fragment = layerTypes?.length
    ? { type: 'string', description: typeDescription, anyOf: [{ enum: [...layerTypes] }, { pattern: `^(?:${layerTypes.map(anyCase).join('|')})$` }] }
    : { type: 'string', minLength: 1, description: typeDescription };
  const closed = (form: Form, properties: Record<string, Fragment>, required: string[]): Fragment => {
    const keys = Object.keys(properties);
    if (keys.join() !== FORMS[form].join()) throw new Error(`architectureSchema: the ${form} form's fields are ${FORMS[form].join(', ')}, not ${keys.join(', ')}`);
    return { type: 'object', properties, required, additionalProperties: false };
  };
  const builtins = [...BUILTIN_ARCHITECTURES];
  return {
    description: 'The model to train (default "mlp"): a built-in name, a built-in with options, a Sequential list of TensorFlow.js layers, or a saved TensorFlow.js layers model to fine-tune.',
    default: 'mlp',
    oneOf: [
      { type: 'string', enum: [...ARCHITECTURE_NAMES], description: `A built-in; "mobilenet-v2" takes alpha ${DEFAULT_MOBILENET_ALPHA}.` },
      { ...closed('name', { name: { enum: builtins }, alpha: { not: {}, description: 'Only mobilenet-v2 has a width multiplier.' } }, ['name']), description: 'A built-in by name.' },
      {
        ...closed('name', {
          name: { const: 'mobilenet-v2' },
          alpha: { type: 'number', exclusiveMinimum: ALPHA_MIN, maximum: ALPHA_MAX, default: DEFAULT_MOBILENET_ALPHA, description: 'Width multiplier, e.g. 0.35, 0.5, 0.75 or 1.0.' },
        }, ['name']),
        description: 'MobileNetV2 (images whose sides are multiples of 32), seeded.',
      },
      {
        ...closed('layers', {
          layers: {
            type: 'array',
            minItems: 1,
            description: 'A Sequential list; the input shape comes from the data and the last layer is the softmax classifier.',
            items: {
              type: 'object',
              required: ['type'],
              properties: { type: layerType },
              examples: [LAYER_EXAMPLE],
            },
          },
        }, ['layers']),
        description: 'A Sequential list of layers in TensorFlow.js\'s vocabulary.',
      },
      {
        ...closed('model', {
          model: { type: 'string', minLength: 1, pattern: MODEL_FILE.source, description: 'The model.json of a saved TensorFlow.js layers model: a path (relative to the spec file, or absolute on the worker) or an s3://bucket/key URI.' },
          trainable: {
            default: 'all',
            description: '"all", or {"from": "<layer name>"}: layers before it are frozen.',
            oneOf: [{ const: 'all' }, { type: 'object', properties: { from: { type: 'string', minLength: 1 } }, required: ['from'], additionalProperties: false }],
          },
          newHead: { type: 'boolean', default: false, description: 'Replace the final Dense classifier with a new one for this dataset\'s class count.' },
        }, ['model']),
        description: 'Fine-tune a saved model.',
      },
    ],
  };
}

/** mobilenet-v2 needs image sides in multiples of 32 (five stride-2 stages). */
export function architectureImageProblem(arch: ArchitectureSpec, imageShape: readonly [number, number, number]): string | undefined {
  if (typeof arch !== 'object' || !('name' in arch)) return undefined;
  const [h, w] = imageShape;
  return h < 32 || w < 32 || h % 32 !== 0 || w % 32 !== 0
    ? `mobilenet-v2 needs images whose height and width are multiples of 32 (at least 32), got ${h}x${w}: resize the images`
    : undefined;
}

/** A short name for tables and logs: "cnn", "mobilenet-v2 0.35", "layers (6)", "fine-tune model.json". */
export function architectureLabel(arch: ArchitectureSpec): string {
  if (typeof arch === 'string') return arch;
  if ('name' in arch) return `${arch.name} ${arch.alpha}`;
  if ('layers' in arch) return `layers (${arch.layers.length})`;
  return `fine-tune ${arch.model.slice(arch.model.lastIndexOf('/', arch.model.length - 12) + 1)}`;
}

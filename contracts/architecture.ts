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

type Fail = (path: string, message: string) => undefined;

const describe = (v: unknown): string => (v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : JSON.stringify(v));

function checkLayers(raw: unknown, fail: Fail): LayerConfigSpec[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    return fail('architecture.layers', `must be a non-empty list of layer configs such as {"type": "conv2d", "filters": 16, "kernelSize": 3, "activation": "relu"}, got ${describe(raw)}`);
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
  if (model !== undefined && !model.endsWith('.json')) fail('architecture.model', `${JSON.stringify(model)} must point at the model.json of a saved TensorFlow.js layers model`);
  let trainable: 'all' | { from: string } | undefined = 'all';
  const t = obj.trainable;
  if (t !== undefined && t !== 'all') {
    const from = typeof t === 'object' && t !== null && !Array.isArray(t) ? (t as { from?: unknown }).from : undefined;
    if (typeof from === 'string' && from.length > 0 && Object.keys(t as object).length === 1) trainable = { from };
    else trainable = fail('architecture.trainable', `must be "all" or {"from": "<layer name>"} (layers before it are frozen), got ${describe(t)}`);
  }
  if (obj.newHead !== undefined && typeof obj.newHead !== 'boolean') fail('architecture.newHead', `must be true or false, got ${describe(obj.newHead)}`);
  if (model === undefined || trainable === undefined || !model.endsWith('.json')) return undefined;
  return { model, trainable, newHead: obj.newHead === true };
}

/**
 * Validates `architecture` (default "mlp"). `location` checks a local path / s3:// URI the
 * way the spec's data fields are checked.
 */
export function checkArchitecture(raw: unknown, fail: Fail, location: (value: unknown, path: string) => string | undefined): ArchitectureSpec | undefined {
  if (raw === undefined) return 'mlp';
  if (typeof raw === 'string') {
    if ((BUILTIN_ARCHITECTURES as readonly string[]).includes(raw)) return raw as BuiltinArchitecture;
    if (raw === 'mobilenet-v2') return { name: 'mobilenet-v2', alpha: DEFAULT_MOBILENET_ALPHA };
    return fail('architecture', `must be one of "mlp", "cnn", "mobilenet-v2", or an object ({"name": "mobilenet-v2", "alpha": 0.35}, {"layers": [...]}, {"model": ".../model.json"}), got ${describe(raw)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('architecture', `must be a name or an object, got ${describe(raw)}`);
  }
  const obj = raw as Record<string, unknown>;
  const forms = ['name', 'layers', 'model'].filter((k) => k in obj);
  if (forms.length !== 1) {
    return fail('architecture', `must have exactly one of "name" (built-in), "layers" (a layer list) or "model" (a saved model to fine-tune), got ${forms.length === 0 ? 'none' : forms.join(' and ')}`);
  }
  const allowed = forms[0] === 'name' ? ['name', 'alpha'] : forms[0] === 'layers' ? ['layers'] : ['model', 'trainable', 'newHead'];
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) fail(`architecture.${key}`, `unknown field; allowed fields: ${allowed.join(', ')}`);
  if (forms[0] === 'layers') {
    const layers = checkLayers(obj.layers, fail);
    return layers ? { layers } : undefined;
  }
  if (forms[0] === 'model') return checkSavedModel(obj, fail, location);
  if (obj.name === 'mlp' || obj.name === 'cnn') {
    if (obj.alpha !== undefined) return fail('architecture.alpha', `only mobilenet-v2 has a width multiplier`);
    return obj.name;
  }
  if (obj.name !== 'mobilenet-v2') return fail('architecture.name', `must be "mlp", "cnn" or "mobilenet-v2", got ${describe(obj.name)}`);
  const alpha = obj.alpha ?? DEFAULT_MOBILENET_ALPHA;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 2)) {
    return fail('architecture.alpha', `must be a width multiplier in (0, 2], e.g. 0.35, 0.5, 0.75 or 1.0, got ${describe(obj.alpha)}`);
  }
  return { name: 'mobilenet-v2', alpha };
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

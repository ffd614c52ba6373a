// The recipe key: canonical JSON, so key order and spelled-out defaults never change it, while
// every real change to the spec, data, code or toolchain does (and says which part changed).
import { canonicalJson, specChanges, validateSpec } from '../../../contracts';
import { recipeRecord, toolchainOf } from '../../../infra/recipe-store';

const minimal = { model: 'digits', data: { source: 'mnist' } };
const spelledOut = {
  gate: { maxAccuracyDropPoints: 1 },
  quantization: { int8Io: false, calibrationSamples: 300 },
  variants: ['float32', 'float16', 'dynamic-int8', 'int8'],
  benchmark: { maxAccuracyGapPoints: 0.2, threads: 1, warmupRuns: 20, runs: 200 },
  training: { backend: 'auto', seed: 42, learningRate: 0.001, batchSize: 32, epochs: 5 },
  architecture: 'mlp',
  data: { source: 'mnist' },
  model: 'digits',
};
const toolchain = { tfjs: '4.22.0', 'tfjs-tflite-node': '0.0.2', tflite: '2.9.0', liteship: '0.1.0', platform: 'linux-x64' };
const key = (raw: unknown, data = 'a4039c18'.padEnd(64, '0'), code = '2420eca', tools: Record<string, string> = toolchain) => recipeRecord(validateSpec(raw), data, code, tools);

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});

describe('recipeRecord', () => {
  it('does not change with key order or with defaults written out', () => {
    const a = key(minimal);
    expect(key(spelledOut)).toEqual(a);
    expect(a.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores version and description, which label a release but do not make it', () => {
    expect(key({ ...minimal, version: 'v9', description: 'nightly' })).toEqual(key(minimal));
  });

  it('changes the key, and the training key only when training inputs change', () => {
    const base = key(minimal);
    const epochs = key({ ...minimal, training: { epochs: 1 } });
    expect(epochs.key).not.toBe(base.key);
    expect(epochs.trainKey).not.toBe(base.trainKey);
    expect(epochs.parts.spec).not.toBe(base.parts.spec);

    const variants = key({ ...minimal, variants: ['float32', 'int8'] });
    expect(variants.key).not.toBe(base.key);
    expect(variants.trainKey).toBe(base.trainKey);
    const gate = key({ ...minimal, gate: { maxBytes: 100000 } });
    expect(gate.key).not.toBe(base.key);
    expect(gate.trainKey).toBe(base.trainKey);

    for (const changed of [
      key(minimal, 'ffff'.padEnd(64, '0')),
      key(minimal, undefined, '1234567'),
      key(minimal, undefined, undefined, { ...toolchain, tfjs: '4.23.0' }),
    ]) {
      expect(changed.key).not.toBe(base.key);
      expect(changed.trainKey).not.toBe(base.trainKey);
    }
  });

  it('leaves the Node version out of the toolchain part', () => {
    expect(toolchainOf({ ...toolchain, node: '20.1.0' })).toEqual(toolchain);
    expect(key(minimal, undefined, undefined, toolchainOf({ ...toolchain, node: '22.0.0' }))).toEqual(key(minimal));
  });
});

describe('specChanges', () => {
  it('names the changed fields, not the defaults or the labels', () => {
    expect(specChanges(validateSpec(minimal), validateSpec(spelledOut))).toEqual([]);
    expect(specChanges(validateSpec(minimal), validateSpec({ ...minimal, version: 'v3', training: { epochs: 1 }, variants: ['float32'] }))).toEqual([
      'training.epochs',
      'variants',
    ]);
  });
});

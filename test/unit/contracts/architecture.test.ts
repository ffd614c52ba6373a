// The spec's architecture field: built-in names, mobilenet-v2, a layer list, a saved model.
import { SpecValidationError, validateSpec } from '../../../contracts/spec';
import { checkLayerTypes } from '../../../client/layer-types';

const csv = { source: 'csv', train: '/d/train.csv', test: '/d/test.csv', imageShape: [32, 32, 3], numClasses: 3 };
const spec = (architecture: unknown, data: unknown = csv) => ({ model: 'pets', architecture, data });

function problemsOf(raw: unknown): string[] {
  try {
    validateSpec(raw);
  } catch (err) {
    if (err instanceof SpecValidationError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('expected the spec to be rejected');
}

describe('architecture in the spec', () => {
  it('keeps the plain strings and reads every object form', () => {
    expect(validateSpec(spec('cnn')).architecture).toBe('cnn');
    expect(validateSpec(spec({ name: 'cnn' })).architecture).toBe('cnn');
    expect(validateSpec(spec('mobilenet-v2')).architecture).toEqual({ name: 'mobilenet-v2', alpha: 0.35 });
    expect(validateSpec(spec({ name: 'mobilenet-v2', alpha: 0.5 })).architecture).toEqual({ name: 'mobilenet-v2', alpha: 0.5 });
    const layers = [{ type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 3, activation: 'softmax' }];
    expect(validateSpec(spec({ layers })).architecture).toEqual({ layers });
    expect(validateSpec(spec({ model: 's3://models/base/model.json', trainable: { from: 'hidden' }, newHead: true })).architecture)
      .toEqual({ model: 's3://models/base/model.json', trainable: { from: 'hidden' }, newHead: true });
    expect(validateSpec(spec({ model: '/m/model.json' })).architecture).toEqual({ model: '/m/model.json', trainable: 'all', newHead: false });
  });

  it.each([
    [{ name: 'mobilenet-v2', alpha: 3 }, 'architecture.alpha: must be a width multiplier in (0, 2], e.g. 0.35, 0.5, 0.75 or 1.0, got 3'],
    [{ name: 'resnet-50' }, 'architecture.name: must be "mlp", "cnn" or "mobilenet-v2", got "resnet-50"'],
    [{ name: 'mobilenet-v2', layers: [] }, 'architecture: must have exactly one of "name" (built-in), "layers" (a layer list) or "model" (a saved model to fine-tune), got name and layers'],
    [{ layers: [] }, 'architecture.layers: must be a non-empty list of layer configs'],
    [{ layers: [{ filters: 3 }, 'dense'] }, 'architecture.layers[0].type: must name a TensorFlow.js layer, e.g. "conv2d" or "dense", got nothing'],
    [{ model: 'relative/model.json' }, 'architecture.model: "relative/model.json" must be an absolute path'],
    [{ model: '/m/model.h5' }, 'architecture.model: "/m/model.h5" must point at the model.json of a saved TensorFlow.js layers model'],
    [{ model: '/m/model.json', trainable: 'some' }, 'architecture.trainable: must be "all" or {"from": "<layer name>"} (layers before it are frozen), got "some"'],
    [{ model: '/m/model.json', newHead: 'yes' }, 'architecture.newHead: must be true or false, got "yes"'],
    [{ model: '/m/model.json', alpha: 1 }, 'architecture.alpha: unknown field; allowed fields: model, trainable, newHead'],
  ])('%j is refused', (architecture, expected) => {
    expect(problemsOf(spec(architecture))).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it('mobilenet-v2 on images whose sides are not multiples of 32 is refused when the spec knows the size', () => {
    expect(problemsOf(spec('mobilenet-v2', { source: 'mnist' }))).toEqual([
      'architecture: mobilenet-v2 needs images whose height and width are multiples of 32 (at least 32), got 28x28: resize the images',
    ]);
  });

  it('the CLI refuses layer types outside the converter\'s table before a release starts', async () => {
    const bad = validateSpec(spec({ layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'lstm', units: 4 }, { type: 'Dense', units: 3 }, { type: 'foo' }] }));
    const err = await checkLayerTypes(bad, 'specs/pets.json').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SpecValidationError);
    const problems = (err as SpecValidationError).problems;
    expect(problems.map((p) => p.path)).toEqual(['architecture.layers[1].type', 'architecture.layers[3].type']);
    expect(problems[0]?.message).toBe('"lstm" is a TensorFlow.js layer that liteship\'s TFLite converter does not support');
    expect(problems[1]?.message).toMatch(/^"foo" is not a TensorFlow.js layer type; supported layer types: .*conv2d, dense, depthwiseConv2d/);
  });
});

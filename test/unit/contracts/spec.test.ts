import { DEFAULT_BENCHMARK, DEFAULT_GATE, DEFAULT_QUANTIZATION, DEFAULT_TRAINING, SpecValidationError, validateSpec } from '../../../contracts/spec';
import { nextAutoVersion, parseAutoVersion } from '../../../contracts/release-manifest';
import { QUANTIZATION_VARIANTS } from '../../../contracts/variants';

function problemsOf(raw: unknown): { path: string; message: string }[] {
  try {
    validateSpec(raw);
  } catch (err) {
    if (err instanceof SpecValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected the spec to be rejected');
}

const minimal = { model: 'mnist', data: { source: 'mnist' } };

describe('validateSpec', () => {
  it('fills in defaults for a minimal spec', () => {
    expect(validateSpec(minimal)).toEqual({
      model: 'mnist',
      architecture: 'mlp',
      data: { source: 'mnist' },
      training: DEFAULT_TRAINING,
      benchmark: DEFAULT_BENCHMARK,
      variants: ['float32', 'float16', 'dynamic-int8', 'int8'],
      quantization: DEFAULT_QUANTIZATION,
      gate: DEFAULT_GATE,
    });
  });

  it('with pruning: defaults to every variant, pruned ones included, and fine-tunes at the training rate', () => {
    const spec = validateSpec({ ...minimal, training: { learningRate: 0.002 }, pruning: { targetSparsity: 0.75 }, gate: { sizeBy: 'gzip' } });
    expect(spec.variants).toEqual([...QUANTIZATION_VARIANTS, 'pruned-float32', 'pruned-float16', 'pruned-dynamic-int8', 'pruned-int8']);
    expect(spec.pruning).toEqual({ targetSparsity: 0.75, epochs: 2, learningRate: 0.002, frequency: 100, blockSize: 4 });
    expect(spec.gate.sizeBy).toBe('gzip');
    expect(validateSpec(minimal)).not.toHaveProperty('pruning');
    expect(validateSpec(minimal).variants).toEqual([...QUANTIZATION_VARIANTS]);
  });

  it('keeps explicit values', () => {
    const spec = validateSpec({ ...minimal, architecture: 'cnn', version: 'v2024.1', training: { epochs: 2, seed: 7 }, benchmark: { runs: 500 } });
    expect(spec.architecture).toBe('cnn');
    expect(spec.version).toBe('v2024.1');
    expect(spec.training).toEqual({ ...DEFAULT_TRAINING, epochs: 2, seed: 7 });
    expect(spec.benchmark.runs).toBe(500);
  });

  it.each([
    [null, '(root)', 'must be an object, got null'],
    [{ ...minimal, model: 'MNIST!' }, 'model', 'lowercase letters'],
    [{ ...minimal, model: '_liteship' }, 'model', 'lowercase letters'],
    [{ data: { source: 'mnist' } }, 'model', 'must be a non-empty string, got nothing'],
    [{ ...minimal, architecture: 'resnet' }, 'architecture', 'must be one of "mlp", "cnn", "mobilenet-v2", or an object'],
    [{ ...minimal, data: { source: 'ftp' } }, 'data.source', 'must be one of "mnist", "idx", "csv"'],
    [{ ...minimal, data: undefined }, 'data', 'must be an object, got nothing'],
    [{ ...minimal, training: { epochs: 0 } }, 'training.epochs', 'between 1 and 1000, got 0'],
    [{ ...minimal, training: { epochs: 2.5 } }, 'training.epochs', 'whole number, got 2.5'],
    [{ ...minimal, training: { batchSize: '32' } }, 'training.batchSize', 'must be a number, got "32"'],
    [{ ...minimal, training: { backend: 'gpu' } }, 'training.backend', 'must be one of "auto", "tensorflow", "wasm", "cpu"'],
    [{ ...minimal, training: { epoch: 3 } }, 'training.epoch', 'unknown field'],
    [{ ...minimal, benchmark: { runs: 50 } }, 'benchmark.runs', 'between 200 and 100000'],
    [{ ...minimal, benchmark: { maxAccuracyGapPoints: -1 } }, 'benchmark.maxAccuracyGapPoints', 'between 0 and 100'],
    [{ ...minimal, version: 'v 1' }, 'version', 'letters, digits'],
    [{ ...minimal, colour: 'red' }, 'colour', 'unknown field'],
    [{ ...minimal, variants: [] }, 'variants', 'must be a non-empty list'],
    [{ ...minimal, variants: ['float32', 'int4'] }, 'variants[1]', 'must be one of "float32", "float16", "dynamic-int8", "int8", "pruned-float32", "pruned-float16", "pruned-dynamic-int8", "pruned-int8", got "int4"'],
    [{ ...minimal, variants: ['float32', 'pruned-int8'] }, 'variants', 'lists pruned-int8 but the spec has no pruning section: add "pruning": { "targetSparsity": 0.75 }'],
    [{ ...minimal, variants: ['float32'], pruning: { targetSparsity: 0.75 } }, 'pruning', 'is set but variants lists no pruned variant'],
    [{ ...minimal, pruning: {} }, 'pruning.targetSparsity', 'is required: the fraction of weights to zero, e.g. 0.75'],
    [{ ...minimal, pruning: { targetSparsity: 1 } }, 'pruning.targetSparsity', 'between 0.01 and 0.99, got 1'],
    [{ ...minimal, pruning: { targetSparsity: 0.5, epochs: 0 } }, 'pruning.epochs', 'between 1 and 1000, got 0'],
    [{ ...minimal, pruning: { targetSparsity: 0.5, schedule: 'cubic' } }, 'pruning.schedule', 'unknown field'],
    [{ ...minimal, pruning: { targetSparsity: 0.5, blockSize: 0 } }, 'pruning.blockSize', 'between 1 and 16, got 0'],
    [{ ...minimal, gate: { sizeBy: 'zip' } }, 'gate.sizeBy', 'must be one of "bytes", "gzip", got "zip"'],
    [{ ...minimal, variants: ['int8', 'int8'] }, 'variants', 'lists a variant twice'],
    [{ ...minimal, quantization: { calibrationSamples: 0 } }, 'quantization.calibrationSamples', 'between 1 and 100000'],
    [{ ...minimal, quantization: { int8Io: 'yes' } }, 'quantization.int8Io', 'must be true or false'],
    [{ ...minimal, gate: { minAccuracy: 97 } }, 'gate.minAccuracy', 'between 0 and 1, got 97'],
    [{ ...minimal, gate: { maxSize: 10 } }, 'gate.maxSize', 'unknown field'],
  ])('rejects %j at %s', (raw, path, message) => {
    const problems = problemsOf(raw);
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(message) })]));
  });

  it('checks IDX data locations', () => {
    const problems = problemsOf({
      ...minimal,
      data: { source: 'idx', trainImages: 'relative/train.idx', trainLabels: 'http://example.com/x', testImages: 's3://my-bucket/test-images.idx', numClasses: 1 },
    });
    expect(problems.map((p) => p.path)).toEqual(['data.trainImages', 'data.trainLabels', 'data.testLabels', 'data.numClasses']);
    expect(problems[0]!.message).toContain('must be an absolute path');
    expect(problems[1]!.message).toContain('only local paths and s3:// URIs');
  });

  it('checks CSV image shapes', () => {
    const problems = problemsOf({ ...minimal, data: { source: 'csv', train: '/a.csv', test: '/b.csv', imageShape: [28, 28] } });
    expect(problems).toEqual([{ path: 'data.imageShape', message: 'must be [height, width, channels] of whole numbers, got an array' }]);
  });

  it('reports every problem at once, with the source in the message', () => {
    try {
      validateSpec({ model: '', architecture: 'x', training: { epochs: -1 } }, 'specs/bad.json');
      throw new Error('not rejected');
    } catch (err) {
      expect(err).toBeInstanceOf(SpecValidationError);
      const e = err as SpecValidationError;
      expect(e.problems.length).toBe(4);
      expect(e.message).toMatch(/^specs\/bad\.json is not a valid release spec \(4 problems\)/);
    }
  });
});

describe('auto versions', () => {
  it('takes the next number after the highest v<N>, ignoring named versions', () => {
    expect(nextAutoVersion([])).toBe('v1');
    expect(nextAutoVersion(['v1', 'v2', 'v10', 'beta'])).toBe('v11');
    expect(parseAutoVersion('v3')).toBe(3);
    expect(parseAutoVersion('v3a')).toBeUndefined();
  });
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  BackendUnavailableError,
  SINGLE_INTRA_OP_THREAD_MAX_CPUS,
  backendDetails,
  describeBackend,
  initTrainingBackend,
  resolveBackendPreference,
} from '../../../ml/backend';

jest.setTimeout(60_000);

// Before any test loads tfjs-node (initTrainingBackend may set it).
const intraOpThreadsBefore = process.env.TF_NUM_INTRAOP_THREADS;

describe('resolveBackendPreference', () => {
  test('no argument and no LITESHIP_BACKEND means auto', () => {
    expect(resolveBackendPreference(undefined, {})).toBe('auto');
  });

  test('LITESHIP_BACKEND applies when the argument is absent or auto', () => {
    expect(resolveBackendPreference(undefined, { LITESHIP_BACKEND: 'wasm' })).toBe('wasm');
    expect(resolveBackendPreference('auto', { LITESHIP_BACKEND: ' cpu ' })).toBe('cpu');
  });

  test('an explicit argument wins over LITESHIP_BACKEND', () => {
    expect(resolveBackendPreference('tensorflow', { LITESHIP_BACKEND: 'wasm' })).toBe('tensorflow');
    expect(resolveBackendPreference('cpu', { LITESHIP_BACKEND: 'tensorflow' })).toBe('cpu');
  });

  test('an unknown LITESHIP_BACKEND is an error that names the variable and the choices', () => {
    expect(() => resolveBackendPreference(undefined, { LITESHIP_BACKEND: 'gpu' })).toThrow(
      /LITESHIP_BACKEND="gpu" is not a training backend: set it to one of auto, tensorflow, wasm, cpu/,
    );
  });

  test('an unknown argument is an error', () => {
    expect(() => resolveBackendPreference('webgl' as never, {})).toThrow(BackendUnavailableError);
  });
});

describe('initTrainingBackend', () => {
  const savedEnv = process.env.LITESHIP_BACKEND;
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.LITESHIP_BACKEND;
    else process.env.LITESHIP_BACKEND = savedEnv;
  });

  test('wasm: active, versions and SIMD/threads reported', async () => {
    const info = await initTrainingBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toEqual({ name: 'wasm', tfjsVersion: tf.version.tfjs, wasm: { simd: expect.any(Boolean), threads: expect.any(Number) } });
    expect(info.wasm!.threads).toBeGreaterThanOrEqual(1);
    expect(describeBackend(info)).toMatch(/^wasm \(tfjs \d+\.\d+\.\d+, simd (on|off), \d+ threads?\)$/);
    expect(backendDetails(info)).toEqual({ simd: info.wasm!.simd, threads: info.wasm!.threads });
    // The backend computes, not just registers.
    expect(Array.from(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 3).dataSync()))).toEqual([4, 5]);
  });

  test('cpu', async () => {
    const info = await initTrainingBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info).toEqual({ name: 'cpu', tfjsVersion: tf.version.tfjs });
    expect(backendDetails(info)).toEqual({});
  });

  test('LITESHIP_BACKEND=wasm keeps auto off the native backend', async () => {
    process.env.LITESHIP_BACKEND = 'wasm';
    const info = await initTrainingBackend('auto');
    expect(info.name).toBe('wasm');
    expect(info.native).toBeUndefined();
    expect(info.fallbackReason).toBeUndefined(); // a choice, not a fallback
  });

  // Whether the native addon exists depends on `bash scripts/setup-tfjs-node.sh`
  // having run; both outcomes are checked against that fact.
  const addonBuilt = (() => {
    const pkg = require.resolve('@tensorflow/tfjs-node/package.json');
    const libDir = path.join(path.dirname(pkg), 'lib');
    return fs.existsSync(libDir) && fs.readdirSync(libDir).some((d) => fs.existsSync(path.join(libDir, d, 'tfjs_binding.node')));
  })();

  test(`tensorflow ${addonBuilt ? 'loads the native addon' : 'fails with the setup command when the addon is missing'}`, async () => {
    if (addonBuilt) {
      const info = await initTrainingBackend('tensorflow');
      expect(tf.getBackend()).toBe('tensorflow');
      expect(info.native?.tensorflowVersion).toMatch(/^\d+\.\d+\.\d+/);
      // On 2 CPUs or fewer liteship runs TensorFlow's intra-op work on one thread unless told otherwise.
      if (intraOpThreadsBefore === undefined && os.availableParallelism() <= SINGLE_INTRA_OP_THREAD_MAX_CPUS) {
        expect(info.native?.intraOpThreads).toBe(1);
        expect(process.env.TF_NUM_INTRAOP_THREADS).toBe('1');
      }
      const threads = info.native!.intraOpThreads;
      const threadNote = threads ? `, ${threads} intra-op thread${threads === 1 ? '' : 's'}` : '';
      expect(describeBackend(info)).toBe(`tensorflow (tfjs ${tf.version.tfjs}, TensorFlow ${info.native!.tensorflowVersion}${threadNote})`);
      expect(backendDetails(info)).toEqual({ tensorflowVersion: info.native!.tensorflowVersion, ...(threads ? { intraOpThreads: threads } : {}) });
      // auto prefers it, and loading twice is harmless.
      expect((await initTrainingBackend('auto')).name).toBe('tensorflow');
      // liteship's two-op Step keeps tfjs semantics (NaN stays NaN; alpha still honoured).
      const x = tf.tensor1d([NaN, -2, 0, 0.5, 3]);
      expect(Array.from(tf.step(x).dataSync())).toEqual([NaN, 0, 0, 1, 1]);
      expect(Array.from(tf.step(x, 0.25).dataSync())).toEqual([NaN, 0.25, 0.25, 1, 1]);
      expect(Array.from(tf.grad((v: tf.Tensor) => tf.relu(v).sum())(tf.tensor1d([-1, 2])).dataSync())).toEqual([0, 1]);
      x.dispose();
    } else {
      await expect(initTrainingBackend('tensorflow')).rejects.toThrow(/bash scripts\/setup-tfjs-node\.sh/);
      expect((await initTrainingBackend('auto')).name).toBe('wasm');
    }
  });
});

/**
 * Choosing the TensorFlow.js backend that trains a model.
 *
 *   const info = await initTrainingBackend(spec.training.backend);
 *   log(describeBackend(info));          // "tensorflow (tfjs 4.22.0, TensorFlow 2.21.0)"
 *   manifest.backend = { name: info.name, tfjsVersion: info.tfjsVersion, details: backendDetails(info) };
 *
 * Preferences:
 *   - `tensorflow`: tfjs-node on TensorFlow's C library (built by `bash scripts/setup-tfjs-node.sh`).
 *   - `wasm`: the WebAssembly backend, plus liteship's gradient kernels so CNNs train on it.
 *   - `cpu`: the plain JavaScript backend (slow; for debugging and reference gradients).
 *   - `auto`: `tensorflow` when its addon loads, else `wasm`.
 *
 * Which preference wins: an explicit argument other than `auto` wins over the
 * `LITESHIP_BACKEND` environment variable; `auto` (or no argument) defers to
 * `LITESHIP_BACKEND` when it is set. So `LITESHIP_BACKEND=wasm` makes the native
 * backend unavailable to every spec that does not name `tensorflow` itself.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { BackendPreference } from '../contracts/spec';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { FailureType, type FailureDeclaration } from '../contracts/errors';

export type { BackendPreference };

export interface BackendInfo {
  /** The tfjs backend name now active: `tensorflow`, `wasm` or `cpu`. */
  name: string;
  tfjsVersion: string;
  /**
   * `intraOpThreads`: TensorFlow's intra-op thread count when set through
   * TF_NUM_INTRAOP_THREADS (by the caller, or by liteship on a machine with 2 CPUs
   * or fewer: see loadNative); absent means TensorFlow's default, one per CPU.
   */
  native?: { tensorflowVersion: string; intraOpThreads?: number };
  wasm?: { simd: boolean; threads: number };
  /** Set when `auto` wanted tfjs-node but could not load it: why (the fix is `bash scripts/setup-tfjs-node.sh`). */
  fallbackReason?: string;
}

export const BACKEND_ENV_VAR = 'LITESHIP_BACKEND';
const PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  static readonly failure: FailureDeclaration = { type: FailureType.backendUnavailable, retryable: false };
}

/** The preference that applies, from the argument and `LITESHIP_BACKEND` (see the module comment). */
export function resolveBackendPreference(
  preference: BackendPreference | undefined,
  env: NodeJS.ProcessEnv = process.env,
): BackendPreference {
  if (preference !== undefined && !PREFERENCES.includes(preference)) {
    throw new BackendUnavailableError(
      `unknown training backend ${JSON.stringify(preference)}: use one of ${PREFERENCES.join(', ')}`,
    );
  }
  if (preference !== undefined && preference !== 'auto') return preference;
  const fromEnv = env[BACKEND_ENV_VAR]?.trim();
  if (!fromEnv) return 'auto';
  if (!(PREFERENCES as readonly string[]).includes(fromEnv)) {
    throw new BackendUnavailableError(
      `${BACKEND_ENV_VAR}=${JSON.stringify(fromEnv)} is not a training backend: set it to one of ${PREFERENCES.join(', ')} or unset it`,
    );
  }
  return fromEnv as BackendPreference;
}

/**
 * Makes the preferred backend the active tfjs backend and reports what it is.
 * Safe to call more than once per process: tfjs-node and the wasm module load once.
 */
export async function initTrainingBackend(preference?: BackendPreference): Promise<BackendInfo> {
  const resolved = resolveBackendPreference(preference);
  if (resolved === 'tensorflow' || resolved === 'auto') {
    const native = await loadNative();
    if (native.ok) return activateNative(native);
    if (resolved === 'tensorflow') {
      throw new BackendUnavailableError(
        `training backend "tensorflow" was requested but @tensorflow/tfjs-node does not load: ${native.reason}. ` +
          `Build it with \`bash scripts/setup-tfjs-node.sh\` (LITESHIP_REQUIRE_NATIVE=1 to see why it fails), ` +
          `or choose backend "auto" or "wasm".`,
      );
    }
  }
  if (resolved === 'cpu') return activate('cpu', {});
  const info = await activateWasm();
  const native = resolved === 'auto' ? await loadNative() : undefined;
  return native && !native.ok ? { ...info, fallbackReason: `tfjs-node unavailable: ${native.reason}` } : info;
}

/** One line for logs and the CLI. */
export function describeBackend(info: BackendInfo): string {
  const threads = info.native?.intraOpThreads;
  const extra = info.native
    ? `, TensorFlow ${info.native.tensorflowVersion}${threads ? `, ${threads} intra-op thread${threads === 1 ? '' : 's'}` : ''}`
    : info.wasm
      ? `, simd ${info.wasm.simd ? 'on' : 'off'}, ${info.wasm.threads} thread${info.wasm.threads === 1 ? '' : 's'}`
      : '';
  const fallback = info.fallbackReason ? `; ${info.fallbackReason}` : '';
  return `${info.name} (tfjs ${info.tfjsVersion}${extra}${fallback})`;
}

/** Flat details for the release manifest's `BackendReport.details`. */
export function backendDetails(info: BackendInfo): Record<string, string | number | boolean> {
  if (info.native) {
    const { tensorflowVersion, intraOpThreads } = info.native;
    return intraOpThreads ? { tensorflowVersion, intraOpThreads } : { tensorflowVersion };
  }
  if (info.wasm) return { simd: info.wasm.simd, threads: info.wasm.threads };
  return {};
}

type NativeLoad = { ok: true; tensorflowVersion: string; intraOpThreads?: number } | { ok: false; reason: string };

/**
 * The number of CPUs at or below which liteship runs TensorFlow's intra-op work
 * on the calling thread (TF_NUM_INTRAOP_THREADS=1) unless told otherwise.
 *
 * By default TensorFlow gives its intra-op pool one thread per CPU, and those
 * threads spin for a while after each parallel op, waiting for more work. Under
 * tfjs-node the ops come one at a time from Node's main thread, which needs a CPU
 * to dispatch the next op, so on 2 CPUs the spinning pool threads and the main
 * thread are three busy threads on two cores. Measured on the 2-vCPU development
 * machine (ms per training step, best of 2 epochs, same load): the MLP's fitFast
 * step 3.3-3.7 with the default pool against 1.7-2.1 with one thread (MatMul
 * 1.27 -> 0.89 ms per step, ResourceApplyAdam 0.45 -> 0.18 ms); the CNN's
 * 16.3-18.7 against 16.8-18.8 (the same wall time, a quarter less CPU). Machines
 * with more CPUs keep TensorFlow's default; TF_NUM_INTRAOP_THREADS set by the
 * caller always wins.
 */
export const SINGLE_INTRA_OP_THREAD_MAX_CPUS = 2;

// tfjs-node registers kernels when its module runs and cannot be unloaded, so the
// attempt is made once per process and its outcome remembered.
let nativeLoad: Promise<NativeLoad> | undefined;

function loadNative(): Promise<NativeLoad> {
  nativeLoad ??= (async (): Promise<NativeLoad> => {
    // TensorFlow logs CPU-feature notices on load; keep them out unless asked for.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    // Read by libtensorflow when the addon creates its context, so it is set before the first
    // import (see SINGLE_INTRA_OP_THREAD_MAX_CPUS for why and the measurements). If something
    // loaded tfjs-node before, its thread pool exists already and is left as it is.
    const loadedBefore = tf.findBackendFactory('tensorflow') !== null;
    if (!loadedBefore && process.env.TF_NUM_INTRAOP_THREADS === undefined && os.availableParallelism() <= SINGLE_INTRA_OP_THREAD_MAX_CPUS) {
      process.env.TF_NUM_INTRAOP_THREADS = '1';
    }
    try {
      await import('@tensorflow/tfjs-node');
    } catch (err) {
      return { ok: false, reason: firstLine(err) };
    }
    const backend = tf.findBackend('tensorflow') as unknown as { binding?: { TF_Version?: unknown } } | null;
    const version = backend?.binding?.TF_Version;
    if (typeof version !== 'string') {
      return { ok: false, reason: 'tfjs-node loaded but registered no working "tensorflow" backend' };
    }
    const threads = loadedBefore ? NaN : Number(process.env.TF_NUM_INTRAOP_THREADS);
    return { ok: true, tensorflowVersion: version, ...(Number.isInteger(threads) && threads > 0 ? { intraOpThreads: threads } : {}) };
  })();
  return nativeLoad;
}

async function activateNative({ tensorflowVersion, intraOpThreads }: NativeLoad & { ok: true }): Promise<BackendInfo> {
  replaceNativeStep();
  return activate('tensorflow', { native: { tensorflowVersion, ...(intraOpThreads ? { intraOpThreads } : {}) } });
}

/**
 * tfjs-node's Step kernel (the ReLU gradient: dy * step(y)) builds four
 * full-size tensors (isNaN, ones, fill, two selects): ~6 ms on a 64x26x26x8
 * activation, 13% of a CNN training step. For alpha 0, sign(relu(x)) is the same
 * function (NaN stays NaN, x > 0 gives 1, else 0) in two ops, ~0.4 ms.
 */
function replaceNativeStep(): void {
  const stock = tf.getKernel(tf.Step, 'tensorflow');
  if (!stock || stepReplacements.has(stock.kernelFunc)) return;
  const kernelFunc: tf.KernelFunc = (args) => {
    const alpha = (args.attrs as { alpha?: number } | undefined)?.alpha ?? 0;
    const x = args.inputs.x as tf.Tensor;
    if (alpha !== 0 || x.dtype !== 'float32') return stock.kernelFunc(args);
    return tf.tidy(() => tf.sign(tf.relu(x)));
  };
  stepReplacements.add(kernelFunc);
  tf.unregisterKernel(tf.Step, 'tensorflow');
  tf.registerKernel({ ...stock, kernelFunc });
}
const stepReplacements = new WeakSet<tf.KernelFunc>();

let wasmLoad: Promise<void> | undefined;

async function activateWasm(): Promise<BackendInfo> {
  wasmLoad ??= (async () => {
    const wasmBackend = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm binaries are read from the package's dist/ folder.
    const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasmBackend.setWasmPaths(path.join(distDir, 'dist') + path.sep);
    registerWasmTrainingKernels();
  })();
  await wasmLoad;
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const info = await activate('wasm', {});
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { ...info, wasm: { simd, threads: getThreadsCount() } };
}

async function activate(name: string, extra: Omit<BackendInfo, 'name' | 'tfjsVersion'>): Promise<BackendInfo> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new BackendUnavailableError(`the tfjs backend "${name}" failed to initialize (active backend: ${tf.getBackend()})`);
  }
  return { name, tfjsVersion: tf.version.tfjs, ...extra };
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? message).replace(/[.\s]+$/, '');
}

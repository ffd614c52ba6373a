// Adapter for tfjs-tflite-node 0.0.2 (TFLite 2.9 with XNNPACK). Uses the native
// interpreter directly with typed arrays, so no tfjs tensors cross the nested tfjs-core
// that package bundles.
// tfjs (and its tfjs-core) first, so the nested copy is the one that finds the platform set.
import '@tensorflow/tfjs';
import type * as TfliteNode from 'tfjs-tflite-node';
import { elementCount } from '../graph/graph';
import type { Interpreter, LoadOptions, RuntimeTensorInfo } from './types';

interface NativeTensorInfo {
  name: string;
  shape: string;
  dataType: string;
  data(): Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array;
}

interface NativeInterpreter {
  getInputs(): NativeTensorInfo[];
  getOutputs(): NativeTensorInfo[];
  infer(): boolean;
}

type NativeConstructor = new (model: ArrayBuffer, options: { threads: number }) => NativeInterpreter;

export const TFJS_TFLITE_NODE = { name: 'tfjs-tflite-node', version: '0.0.2', tfliteVersion: '2.9.0' } as const;

function describe(info: NativeTensorInfo): RuntimeTensorInfo {
  return { name: info.name, shape: info.shape.split(',').filter((d) => d !== '').map(Number), dtype: info.dataType };
}

/** An ArrayBuffer holding exactly these bytes (a pooled Buffer's .buffer is not: fact 5). */
export function exactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function checkInput(info: RuntimeTensorInfo, input: Float32Array, index: number, shape?: readonly number[]): void {
  const expected = info.shape;
  const count = elementCount(expected);
  if (input.length !== count) {
    throw new Error(`input ${index} ("${info.name}") needs ${count} values for shape [${expected.join(', ')}], got ${input.length}`);
  }
  if (shape !== undefined && elementCount(shape) !== count) {
    throw new Error(`input ${index} ("${info.name}") has shape [${expected.join(', ')}], not [${shape.join(', ')}]`);
  }
}

/**
 * The package's nested tfjs-core registers the Node platform again when it loads, and says so with
 * console.warn ("Platform node has already been set. Overwriting the platform with node."): true,
 * harmless (both cores register the same platform) and noise in the CLI's output. The package is
 * loaded once, on first use, with exactly that line held back; any other warning passes.
 */
const PLATFORM_NOTICE = /^Platform node has already been set\. Overwriting the platform with node\.?$/;
let nativeConstructor: NativeConstructor | undefined;

export function loadTfliteNode(): NativeConstructor {
  if (nativeConstructor) return nativeConstructor;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!(args.length === 1 && typeof args[0] === 'string' && PLATFORM_NOTICE.test(args[0]))) warn(...args);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('tfjs-tflite-node') as typeof TfliteNode;
    nativeConstructor = loaded.TFLiteNodeModelRunner as unknown as NativeConstructor;
  } finally {
    console.warn = warn;
  }
  return nativeConstructor;
}

export async function loadInterpreter(bytes: Uint8Array, options: LoadOptions = {}): Promise<Interpreter> {
  const Native = loadTfliteNode();
  // Construction is synchronous; the async signature leaves room for runtimes that load lazily.
  const native = await Promise.resolve(new Native(exactArrayBuffer(bytes), { threads: options.numThreads ?? 1 }));
  const nativeInputs = native.getInputs();
  const nativeOutputs = native.getOutputs();
  const inputInfos = nativeInputs.map(describe); // parsed once: run() is the calibration hot loop
  let disposed = false;

  const run = (inputs: readonly Float32Array[], shape?: readonly number[]): Float32Array[] => {
    if (disposed) throw new Error('the interpreter was disposed');
    if (inputs.length !== nativeInputs.length) throw new Error(`the model has ${nativeInputs.length} inputs, got ${inputs.length}`);
    nativeInputs.forEach((info, i) => {
      const input = inputs[i] as Float32Array;
      checkInput(inputInfos[i] as RuntimeTensorInfo, input, i, shape);
      const target = info.data();
      // Integer inputs are narrowed by the typed array; clamp first so int8 does not wrap (fact 3).
      if (target instanceof Int8Array) target.set(input.map((v) => Math.max(-128, Math.min(127, Math.round(v)))));
      else target.set(input);
    });
    if (!native.infer()) throw new Error('tfjs-tflite-node: inference failed (Invoke returned an error)');
    // The typed-array constructor copies (and widens int8) in one native pass; Float32Array.from iterates.
    return nativeOutputs.map((info) => new Float32Array(info.data()));
  };

  return {
    inputs: inputInfos,
    outputs: nativeOutputs.map(describe),
    predict: (input, shape) => run([input], shape)[0] as Float32Array,
    run: (inputs) => run(inputs),
    dispose: () => {
      // The native binding has no explicit free; dropping references lets GC reclaim it.
      disposed = true;
    },
  };
}

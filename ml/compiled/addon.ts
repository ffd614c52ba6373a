// Loads liteship's TensorFlow graph addon (native/tf_graph.cc, built by
// scripts/setup-compiled-step.sh). Optional: when it is missing or does not load,
// `loadGraphAddon` says why and training falls back to the tape step runners.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An op output: [op index, output index]. */
export type OutputRef = readonly [number, number];
/** A single input, or a list input. */
export type InputRef = OutputRef | readonly OutputRef[];
export type AttrKind = 'type' | 'int' | 'float' | 'bool' | 'string' | 'shape' | 'ints' | 'types' | 'tensor';
export type AttrValue = number | boolean | string | readonly number[] | readonly [number, readonly number[], ArrayBufferView];
export type Attr = readonly [string, AttrKind, AttrValue];
export type TypedData = Float32Array | Int32Array | Uint8Array;
/** A feed: [op, index, dtype, shape, data]. */
export type Feed = readonly [number, number, number, readonly number[], TypedData];

/** The addon's functions (see native/tf_graph.cc). */
export interface GraphAddon {
  tensorflowVersion: string;
  newGraph(): object;
  addOp(graph: object, type: string, name: string, inputs: readonly InputRef[], attrs: readonly Attr[], control?: readonly number[]): number;
  numOutputs(graph: object, op: number): number;
  newSession(graph: object, config: Uint8Array | null): object;
  run(session: object, feeds: readonly Feed[], fetches: readonly OutputRef[], targets: readonly number[]): Array<[number, number[], TypedData]>;
  /** With serialized RunOptions: the outputs and the serialized RunMetadata (./step-stats.ts). */
  run(session: object, feeds: readonly Feed[], fetches: readonly OutputRef[], targets: readonly number[], runOptions: Uint8Array): [Array<[number, number[], TypedData]>, Uint8Array];
  closeSession(session: object): void;
}

/** Where setup puts the addon (relative to this file: ml/compiled -> native/build). */
export const ADDON_PATH = path.resolve(__dirname, '..', '..', 'native', 'build', 'liteship_tf_graph.node');

const loaded = new Map<string, { addon?: GraphAddon; why?: string }>();

/**
 * The addon, or why it is not available. Call only once tfjs-node is the active backend
 * (the addon links the same libtensorflow). LITESHIP_COMPILED_STEP=0 turns the compiled
 * step off; LITESHIP_GRAPH_ADDON names another build of the addon.
 */
export function loadGraphAddon(): { addon?: GraphAddon; why?: string } {
  if (process.env.LITESHIP_COMPILED_STEP === '0') return { why: 'LITESHIP_COMPILED_STEP=0 is set' };
  const file = process.env.LITESHIP_GRAPH_ADDON || ADDON_PATH;
  let result = loaded.get(file);
  if (result) return result;
  if (!fs.existsSync(file)) result = { why: `the graph addon is not built (${file} is missing; run bash scripts/setup.sh)` };
  else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      result = { addon: require(file) as GraphAddon };
    } catch (err) {
      result = { why: `the graph addon ${file} does not load (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); run bash scripts/setup.sh` };
    }
  }
  loaded.set(file, result);
  return result;
}

// The float16 variant as a graph transform (ConvertOptions.graphTransforms): every
// float32 constant that an op reads (weights and biases, as TensorFlow's converter
// does) is stored as FLOAT16 and fed through a DEQUANTIZE op (version 3) that
// rebuilds the float32 tensor the op consumes. Activations stay float32, so the
// runtime computes in float32 exactly as for the float model, on rounded weights.
import type { Graph, GraphOp, GraphTensor } from '../graph/graph';
import { tensorUses } from '../graph/passes/uses';
import { BuiltinOperator, TensorType } from '../schema/enums';
import { decodeFloat16Bits, toFloat16Array } from './float16-bits';
import { FailureType, type FailureDeclaration } from '../../contracts/errors';

export interface Float16Options {
  /** Constants with fewer elements stay float32 (default 0: convert all, as TF does). */
  minElements?: number;
}

export interface Float16Report {
  /** Names of the constants now stored as FLOAT16. */
  converted: string[];
  /** Largest |w - fp16(w)| over all converted values (rounding error of the variant). */
  maxAbsError: number;
  /** Non-zero weights that became 0 in float16 (|w| < 2^-25). */
  flushedToZero: number;
}

/** Overflow would silently turn weights into Infinity: refuse with the tensor's name. */
export class Float16OverflowError extends Error {
  override readonly name = 'Float16OverflowError';
  static readonly failure: FailureDeclaration = { type: FailureType.unsupportedModel, retryable: false };
}

const FLOAT16_MAX = 65504;

/**
 * Rewrites `graph` in place and returns it. The original tensor index keeps the
 * float32 value (now the DEQUANTIZE output), so no op input is renumbered; the
 * FLOAT16 constants are appended and the DEQUANTIZE ops run first.
 */
export function toFloat16Weights(graph: Graph, options: Float16Options = {}, report?: Float16Report): Graph {
  const minElements = options.minElements ?? 0;
  const { consumers } = tensorUses(graph);
  const names = new Set(graph.tensors.map((t) => t.name));
  const dequantizeOps: GraphOp[] = [];
  const stats: Float16Report = report ?? { converted: [], maxAbsError: 0, flushedToZero: 0 };

  graph.tensors.forEach((tensor, index) => {
    if (tensor.type !== TensorType.FLOAT32 || !(tensor.data instanceof Float32Array)) return;
    if (!consumers.has(index) || tensor.data.length < minElements) return;
    const halfs = encode(tensor, stats);
    const halfIndex = graph.tensors.length;
    const halfTensor: GraphTensor = { name: uniqueName(`${tensor.name}/fp16`, names), shape: [...tensor.shape], type: TensorType.FLOAT16, data: halfs };
    if (tensor.layer !== undefined) halfTensor.layer = tensor.layer;
    graph.tensors.push(halfTensor);
    delete tensor.data; // now an activation: the DEQUANTIZE output
    dequantizeOps.push({ opcode: BuiltinOperator.DEQUANTIZE, inputs: [halfIndex], outputs: [index], options: { kind: 'none' }, layer: tensor.layer ?? tensor.name });
    stats.converted.push(halfTensor.name);
  });
  graph.ops.unshift(...dequantizeOps);
  return graph;
}

/** The transform with options bound, for ConvertOptions.graphTransforms. */
export function float16Transform(options: Float16Options = {}, report?: Float16Report): (graph: Graph) => Graph {
  return (graph) => toFloat16Weights(graph, options, report);
}

function encode(tensor: GraphTensor, stats: Float16Report): Uint16Array {
  const values = tensor.data as Float32Array;
  const halfs = toFloat16Array(values);
  const table = halfTable();
  let maxAbsError = stats.maxAbsError;
  let flushed = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const h = halfs[i] as number;
    if ((h & 0x7c00) === 0x7c00) {
      throw new Float16OverflowError(
        `float16: constant '${tensor.name}'${tensor.layer ? ` (layer ${tensor.layer})` : ''} holds ${v} at index ${i}, ` +
          `outside float16's range (|w| < 65520 rounds to at most ${FLOAT16_MAX}); keep this model float32 or rescale the layer`,
      );
    }
    const back = table[h] as number;
    const err = Math.abs(back - v);
    if (err > maxAbsError) maxAbsError = err;
    if (back === 0 && v !== 0) flushed++;
  }
  stats.maxAbsError = maxAbsError;
  stats.flushedToZero += flushed;
  return halfs;
}

// Every half's value, decoded once (256 KB): the error statistics then cost a lookup per weight.
let decoded: Float32Array | undefined;
function halfTable(): Float32Array {
  if (decoded === undefined) {
    decoded = new Float32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) decoded[h] = decodeFloat16Bits(h);
  }
  return decoded;
}

function uniqueName(base: string, names: Set<string>): string {
  let name = base;
  for (let n = 1; names.has(name); n++) name = `${base}_${n}`;
  names.add(name);
  return name;
}

// Graph transform for pruned models: FULLY_CONNECTED weights go into TFLite's
// sparse encoding (IR `sparsity`, FC version 8) where the runtimes have a
// sparse kernel and the encoding is actually smaller than the dense tensor.
// float32 weights: plain CSR (random sparsity, what magnitude pruning leaves);
// int8 weights (full int8): 1x16 blocks, the only int8 layout the kernel takes.
// Hybrid (dynamic-range) FC and other ops keep dense weights: no sparse kernel.
// int8 is opt-in: TFLite 2.9's 1x16 int8 kernel (tfjs-tflite-node) ignores a
// non-zero input zero point (MNIST accuracy 0.10 instead of 0.97) and, even with
// zero point 0, drifts from the dense result by 1-2 output steps from run to run;
// LiteRT.js computes it right. Enable it only for newer runtimes.
import type { DimensionMetadata, Graph } from '../graph/graph';
import { tensorUses } from '../graph/passes/uses';
import { BuiltinOperator, TensorType } from '../schema/enums';
import { encodeSparseMatrix, sparsePayloadBytes } from './sparse';

export interface SparseWeightsReport {
  encoded: Array<{ name: string; denseBytes: number; sparseBytes: number; density: number }>;
  /** Weights left dense, with why (e.g. "1x16 blocks: 96% of blocks non-zero, no smaller"). */
  dense: Array<{ name: string; reason: string }>;
}

const INT8_BLOCK = 16;
const FLOAT_BLOCK = 4;
// The int8 kernel keeps per-row block counts and block indices in uint8 (its "ledger").
const INT8_LEDGER_MAX = 255;

export interface SparseWeightsOptions {
  /** Encode int8 FC weights too (1x16 blocks, input zero point 0 only). Default false: see above. */
  int8?: boolean;
}

/** Rewrites `graph` in place and returns it. */
export function toSparseWeights(graph: Graph, report?: SparseWeightsReport, options: SparseWeightsOptions = {}): Graph {
  const out: SparseWeightsReport = report ?? { encoded: [], dense: [] };
  const { consumers } = tensorUses(graph);

  for (const op of graph.ops) {
    if (op.opcode !== BuiltinOperator.FULLY_CONNECTED) continue;
    const input = graph.tensors[op.inputs[0] ?? -1];
    const weightsIndex = op.inputs[1] ?? -1;
    const weights = graph.tensors[weightsIndex];
    if (input === undefined || weights === undefined || weights.sparsity !== undefined) continue;
    const skip = (reason: string): void => {
      out.dense.push({ name: weights.name, reason });
    };
    if (weights.data === undefined) {
      skip('weights are computed at run time (float16 weights go through DEQUANTIZE): no sparse kernel reads them');
      continue;
    }
    if (consumers.get(weightsIndex)?.length !== 1) {
      skip('shared with another op');
      continue;
    }
    const [rows = 0, cols = 0] = weights.shape;
    let blockCols: number;
    if (weights.type === TensorType.FLOAT32 && input.type === TensorType.FLOAT32) blockCols = 1;
    else if (weights.type === TensorType.INT8 && input.type === TensorType.INT8) blockCols = INT8_BLOCK;
    else {
      skip('hybrid (float input, int8 weights) FULLY_CONNECTED has no sparse kernel');
      continue;
    }
    if (blockCols > 1 && options.int8 !== true) {
      skip("int8 sparse weights are off by default: TFLite 2.9's int8 sparse kernel (tfjs-tflite-node) is unreliable");
      continue;
    }
    const inputZeroPoint = input.quantization?.zeroPoint[0] ?? 0;
    if (blockCols > 1 && inputZeroPoint !== 0) {
      skip(`int8 input zero point is ${inputZeroPoint}: TFLite 2.9's int8 sparse kernel is only right for zero point 0`);
      continue;
    }
    if (cols % blockCols !== 0) {
      skip(`${cols} input units are not a multiple of the ${blockCols}-wide blocks`);
      continue;
    }
    let encoding = encodeSparseMatrix(weights.data as Float32Array | Int8Array, rows, cols, blockCols);
    if (blockCols === 1 && cols % FLOAT_BLOCK === 0) {
      // Block-pruned float weights: 1x4 blocks are smaller than CSR, and TFLite's fast float sparse kernel takes them.
      const blocks = encodeSparseMatrix(weights.data as Float32Array, rows, cols, FLOAT_BLOCK);
      if (sparsePayloadBytes(blocks) <= sparsePayloadBytes(encoding)) encoding = blocks;
    }
    const denseBytes = weights.data.byteLength;
    const sparseBytes = sparsePayloadBytes(encoding);
    if (sparseBytes >= denseBytes) {
      skip(`${blockCols === 1 ? 'CSR' : `1x${blockCols} blocks`}: ${(100 * encoding.density).toFixed(0)}% of ${blockCols === 1 ? 'weights' : 'blocks'} non-zero, the encoding (${sparseBytes} B) is not smaller than dense (${denseBytes} B)`);
      continue;
    }
    if (blockCols > 1 && !fitsInt8Ledger(encoding.sparsity.dimMetadata[1], cols / blockCols)) {
      skip(`more than ${INT8_LEDGER_MAX} blocks per row: the int8 sparse kernel cannot index them`);
      continue;
    }
    weights.data = encoding.values;
    weights.sparsity = encoding.sparsity;
    out.encoded.push({ name: weights.name, denseBytes, sparseBytes, density: encoding.density });
  }
  return graph;
}

/** The transform with a report bound, for ConvertOptions.graphTransforms (run it after quantization). */
export function sparseWeightsTransform(report?: SparseWeightsReport, options: SparseWeightsOptions = {}): (graph: Graph) => Graph {
  return (graph) => toSparseWeights(graph, report, options);
}

function fitsInt8Ledger(csr: DimensionMetadata | undefined, blocksPerRow: number): boolean {
  if (blocksPerRow - 1 > INT8_LEDGER_MAX || csr?.format !== 'SPARSE_CSR') return false;
  const segments = csr.arraySegments;
  for (let r = 0; r + 1 < segments.length; r++) {
    if ((segments[r + 1] as number) - (segments[r] as number) > INT8_LEDGER_MAX) return false;
  }
  return true;
}

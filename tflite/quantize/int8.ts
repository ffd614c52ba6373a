// Full-integer (int8) quantization of the converter's float graph, following
// TFLite's quantization spec (facts doc section 3): int8 activations from the
// calibrated ranges, symmetric int8 weights (FC per-tensor, conv/depthwise
// per-channel), int32 biases at input_scale * weight_scale, fixed output params
// for SOFTMAX/LOGISTIC/TANH, and the input's params passed through the ops that
// require equal input and output params. Float input/output by default, through
// QUANTIZE/DEQUANTIZE ops; int8 input/output with `int8Io`.
import type { Graph, GraphTensor } from '../graph/graph';
import { BuiltinOperator, operatorName, TensorType } from '../schema/enums';
import type { TensorRange } from './calibration';
import { quantizeWeightTensor, WEIGHT_AXIS } from './dynamic';
import type { AffineParams } from './params';
import { activationParams, quantizeBias, quantizeValues } from './params';
import { FailureType, type FailureDeclaration } from '../../contracts/errors';

export interface Int8Options {
  /** int8 input and output tensors (no QUANTIZE/DEQUANTIZE); the app quantizes with the reported params. */
  int8Io?: boolean;
}

export interface Int8Report {
  /** Params of each graph input/output, for the manifest (the app needs them with int8Io). */
  inputs: Array<{ name: string } & AffineParams>;
  outputs: Array<{ name: string } & AffineParams>;
  /** Bias values that hit the int32 limits (0 for any sane model). */
  clampedBiasValues: number;
}

export class Int8QuantizationError extends Error {
  override readonly name = 'Int8QuantizationError';
  static readonly failure: FailureDeclaration = { type: FailureType.unsupportedModel, retryable: false };
}

/** Output params fixed by the kernels, whatever the calibration says. */
const FIXED_OUTPUT: ReadonlyMap<number, AffineParams> = new Map([
  [BuiltinOperator.SOFTMAX, { scale: 1 / 256, zeroPoint: -128 }],
  [BuiltinOperator.LOGISTIC, { scale: 1 / 256, zeroPoint: -128 }],
  [BuiltinOperator.TANH, { scale: 1 / 128, zeroPoint: 0 }],
]);

/** Kernels that require the output params to equal the input's. */
const SAME_PARAMS = new Set<number>([
  BuiltinOperator.RESHAPE, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.SQUEEZE,
  BuiltinOperator.PAD, BuiltinOperator.REDUCE_MAX,
]);

/**
 * Kernels that compare or copy raw int8 values from several inputs, so every input
 * must carry the output's params: the output keeps its calibrated range (the union
 * of the inputs' values), and inputs are requantized to it (constants quantized
 * with it directly).
 */
const SHARED_PARAMS = new Set<number>([BuiltinOperator.CONCATENATION, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM]);

const SUPPORTED = new Set<number>([
  ...WEIGHT_AXIS.keys(), ...FIXED_OUTPUT.keys(), ...SAME_PARAMS, ...SHARED_PARAMS,
  BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL, BuiltinOperator.MEAN, BuiltinOperator.RELU,
  BuiltinOperator.RELU6, BuiltinOperator.LEAKY_RELU,
]);

/**
 * Rewrites the float graph in place into a full-int8 graph and returns it.
 * `ranges`: calibrated [min, max] per float activation tensor index (calibrateGraph).
 */
export function toFullInt8(graph: Graph, ranges: ReadonlyMap<number, TensorRange>, options: Int8Options = {}, report?: Int8Report): Graph {
  for (const op of graph.ops) {
    if (!SUPPORTED.has(op.opcode)) {
      throw new Int8QuantizationError(
        `int8: ${operatorName(op.opcode)} (layer ${op.layer}) has no int8 lowering in liteship yet; ` +
          'use the float16 or dynamic-range variant for this model',
      );
    }
  }
  const params = activationParamsFor(graph, ranges);
  const out: Int8Report = report ?? { inputs: [], outputs: [], clampedBiasValues: 0 };

  // Weights and biases first: the bias scale needs the input's activation scale.
  // A layer called twice shares its weight constants between ops: the weights are
  // quantized once; a shared bias whose two inputs have different scales is copied.
  const done = new Set<number>();
  const floatBias = new Map<number, Float32Array>();
  for (const op of graph.ops) {
    const axis = WEIGHT_AXIS.get(op.opcode);
    const [input, weights, bias] = op.inputs;
    if (!WEIGHT_AXIS.has(op.opcode) || input === undefined || weights === undefined) continue;
    const inputParams = params.get(input) as AffineParams;
    const weightTensor = tensorAt(graph, weights);
    const weightScales = done.has(weights)
      ? Float32Array.from(weightTensor.quantization?.scale ?? [])
      : quantizeWeightTensor(weightTensor, floatData(weightTensor, op.layer), axis);
    done.add(weights);
    if (bias === undefined || bias < 0) continue;
    const original = tensorAt(graph, bias);
    const values = floatBias.get(bias) ?? floatData(original, op.layer);
    floatBias.set(bias, values);
    const q = quantizeBias(values, inputParams.scale, weightScales.length === 1 ? (weightScales[0] as number) : weightScales);
    out.clampedBiasValues += q.clampedCount;
    let target = original;
    if (done.has(bias)) {
      if (sameScales(original.quantization?.scale ?? [], q.scales)) continue;
      graph.tensors.push({ name: `${original.name}/${op.layer}_${graph.tensors.length}`, shape: [...original.shape], type: TensorType.INT32, ...(original.layer ? { layer: original.layer } : {}) });
      target = tensorAt(graph, graph.tensors.length - 1);
      op.inputs = [input, weights, graph.tensors.length - 1, ...op.inputs.slice(3)];
    }
    target.data = q.values;
    target.type = TensorType.INT32;
    target.quantization = { scale: Array.from(q.scales), zeroPoint: new Array<number>(q.scales.length).fill(0), quantizedDimension: 0 };
    done.add(bias);
  }
  // Constants read by MAXIMUM/MINIMUM/CONCATENATION take the op's output params.
  for (const op of graph.ops) {
    if (!SHARED_PARAMS.has(op.opcode)) continue;
    const p = params.get(op.outputs[0] ?? -1) as AffineParams;
    for (const input of op.inputs) {
      const t = graph.tensors[input];
      if (t === undefined || done.has(input) || !(t.data instanceof Float32Array)) continue;
      t.data = quantizeValues(t.data, p);
      setInt8(t, p);
      done.add(input);
    }
  }
  // Remaining float constants (ADD/MUL operands of a standalone BatchNormalization):
  // asymmetric int8 over their own range.
  graph.tensors.forEach((t, i) => {
    if (done.has(i) || t.type !== TensorType.FLOAT32 || !(t.data instanceof Float32Array)) return;
    let min = 0;
    let max = 0;
    for (const v of t.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
    const p = activationParams({ min, max });
    t.data = quantizeValues(t.data, p);
    setInt8(t, p);
  });
  for (const [index, p] of params) setInt8(tensorAt(graph, index), p);
  requantizeSharedInputs(graph, params);

  wrapGraphIo(graph, options.int8Io === true, params, out);
  return graph;
}

/** Activation params in op order: graph inputs and computed outputs from calibration, fixed or passed-through where the kernels demand. */
function activationParamsFor(graph: Graph, ranges: ReadonlyMap<number, TensorRange>): Map<number, AffineParams> {
  const params = new Map<number, AffineParams>();
  const calibrated = (t: number): AffineParams => {
    const range = ranges.get(t);
    if (range === undefined || range.count === 0) {
      throw new Int8QuantizationError(
        `int8: no calibrated range for tensor '${graph.tensors[t]?.name ?? t}'; calibrate the same graph (calibrateGraph) with representative samples`,
      );
    }
    return activationParams(range);
  };
  for (const io of graph.inputs) params.set(io.tensor, calibrated(io.tensor));
  for (const op of graph.ops) {
    const input = op.inputs[0];
    for (const output of op.outputs) {
      const fixed = FIXED_OUTPUT.get(op.opcode);
      if (fixed !== undefined) params.set(output, fixed);
      else if (SAME_PARAMS.has(op.opcode) && input !== undefined && params.has(input)) params.set(output, params.get(input) as AffineParams);
      else params.set(output, calibrated(output));
    }
  }
  return params;
}

/** Inserts an int8 -> int8 QUANTIZE before each MAXIMUM/MINIMUM/CONCATENATION input whose params differ from the output's. */
function requantizeSharedInputs(graph: Graph, params: Map<number, AffineParams>): void {
  const ops = [];
  for (const op of graph.ops) {
    if (SHARED_PARAMS.has(op.opcode)) {
      const target = params.get(op.outputs[0] ?? -1) as AffineParams;
      op.inputs = op.inputs.map((input) => {
        const own = params.get(input);
        if (own === undefined || (own.scale === target.scale && own.zeroPoint === target.zeroPoint)) return input;
        const source = tensorAt(graph, input);
        graph.tensors.push({ name: `${source.name}/requantized_${op.layer}`, shape: [...source.shape], type: TensorType.INT8 });
        const requantized = graph.tensors.length - 1;
        setInt8(tensorAt(graph, requantized), target);
        params.set(requantized, target);
        ops.push({ opcode: BuiltinOperator.QUANTIZE, inputs: [input], outputs: [requantized], options: { kind: 'none' } as const, layer: op.layer });
        return requantized;
      });
    }
    ops.push(op);
  }
  graph.ops = ops;
}

/** Float graph I/O around the int8 graph (QUANTIZE in, DEQUANTIZE out), or int8 I/O. */
function wrapGraphIo(graph: Graph, int8Io: boolean, params: Map<number, AffineParams>, report: Int8Report): void {
  const describe = (io: { name: string; tensor: number }): { name: string } & AffineParams => ({ name: io.name, ...(params.get(io.tensor) as AffineParams) });
  report.inputs = graph.inputs.map(describe);
  report.outputs = graph.outputs.map(describe);
  if (int8Io) return;
  const floatTwin = (index: number): number => {
    const t = tensorAt(graph, index);
    const twin: GraphTensor = { name: t.name, shape: [...t.shape], type: TensorType.FLOAT32 };
    t.name = `${t.name}/int8`; // names stay unique: tfjs-tflite-node keys outputs by name
    graph.tensors.push(twin);
    return graph.tensors.length - 1;
  };
  const quantizeOps = graph.inputs.map((io) => {
    const floatInput = floatTwin(io.tensor);
    const op = { opcode: BuiltinOperator.QUANTIZE, inputs: [floatInput], outputs: [io.tensor], options: { kind: 'none' } as const, layer: io.name };
    io.tensor = floatInput;
    return op;
  });
  graph.outputs.forEach((io) => {
    const floatOutput = floatTwin(io.tensor);
    graph.ops.push({ opcode: BuiltinOperator.DEQUANTIZE, inputs: [io.tensor], outputs: [floatOutput], options: { kind: 'none' }, layer: io.name });
    io.tensor = floatOutput;
  });
  graph.ops.unshift(...quantizeOps);
}

function sameScales(a: readonly number[], b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function setInt8(t: GraphTensor, p: AffineParams): void {
  t.type = TensorType.INT8;
  t.quantization = { scale: [p.scale], zeroPoint: [p.zeroPoint], quantizedDimension: 0 };
}

function tensorAt(graph: Graph, index: number): GraphTensor {
  const t = graph.tensors[index];
  if (t === undefined) throw new Error(`internal: tensor ${index} does not exist`);
  return t;
}

function floatData(t: GraphTensor, layer: string): Float32Array {
  if (t.type !== TensorType.FLOAT32 || !(t.data instanceof Float32Array)) {
    throw new Int8QuantizationError(`int8: '${t.name}' (layer ${layer}) should be a float32 constant but is not; weights computed at run time cannot be quantized`);
  }
  return t.data;
}

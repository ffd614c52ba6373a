// The writer below convert(): op versions derived from tensor types, the TFLite 2.9
// version ceiling, min_runtime_version, quantization parameters, and the graphTransforms
// hook that quantization (tflite/quantize/**) plugs into.
import * as tf from '@tensorflow/tfjs';
import {
  BuiltinOperator, buildGraph, convert, MAX_VERSION_TFLITE_2_9, opVersion, readTflite, serializeGraph, TensorType,
} from '../../../tflite';
import type { GraphOp, GraphTensor } from '../../../tflite';
import { dynamicRangeTransform } from '../../../tflite/quantize';
import { loadInterpreter } from '../../../tflite/runtimes/tfjs-tflite-node';
import { randomInputs, randomizeWeights, relativeMaxDiff, tfjsPredict } from './support/random-model';

const tensor = (type: number, scales = 1): GraphTensor => ({
  name: 't', shape: [1], type: type as GraphTensor['type'],
  quantization: { scale: new Array<number>(scales).fill(0.1), zeroPoint: new Array<number>(scales).fill(0) },
});

const op = (opcode: number, options: GraphOp['options'] = { kind: 'none' }): GraphOp =>
  ({ opcode: opcode as GraphOp['opcode'], inputs: [0, 1], outputs: [2], options, layer: 'l' });

describe('opVersion', () => {
  const fc = (keepNumDims = false): GraphOp['options'] => ({ kind: 'fullyConnected', activation: 0, keepNumDims });
  it.each([
    ['float FULLY_CONNECTED', op(BuiltinOperator.FULLY_CONNECTED, fc()), [TensorType.FLOAT32, TensorType.FLOAT32], 1],
    ['FULLY_CONNECTED keep_num_dims', op(BuiltinOperator.FULLY_CONNECTED, fc(true)), [TensorType.FLOAT32, TensorType.FLOAT32], 5],
    ['int8 FULLY_CONNECTED', op(BuiltinOperator.FULLY_CONNECTED, fc()), [TensorType.INT8, TensorType.INT8], 4],
    ['hybrid FULLY_CONNECTED', op(BuiltinOperator.FULLY_CONNECTED, fc()), [TensorType.FLOAT32, TensorType.INT8], 3],
    ['int8 CONV_2D', op(BuiltinOperator.CONV_2D), [TensorType.INT8, TensorType.INT8], 3],
    ['hybrid per-tensor CONV_2D', op(BuiltinOperator.CONV_2D), [TensorType.FLOAT32, TensorType.INT8], 2],
    ['hybrid per-channel CONV_2D', op(BuiltinOperator.CONV_2D), [TensorType.FLOAT32, TensorType.INT8, 4], 5],
    ['hybrid per-channel DEPTHWISE_CONV_2D', op(BuiltinOperator.DEPTHWISE_CONV_2D), [TensorType.FLOAT32, TensorType.INT8, 4], 6],
    ['float16 DEQUANTIZE', op(BuiltinOperator.DEQUANTIZE), [TensorType.FLOAT16, TensorType.FLOAT32], 3],
    ['int8 DEQUANTIZE', op(BuiltinOperator.DEQUANTIZE), [TensorType.INT8, TensorType.FLOAT32], 2],
    ['int8 ADD', op(BuiltinOperator.ADD, { kind: 'add', activation: 0 }), [TensorType.INT8, TensorType.INT8], 2],
    ['int8 RESHAPE', op(BuiltinOperator.RESHAPE), [TensorType.INT8, TensorType.INT32], 1],
  ])('%s', (_title, theOp, [inType, weightType, weightScales], expected) => {
    const tensors = [tensor(inType!), tensor(weightType!, weightScales ?? 1), tensor(TensorType.FLOAT32)];
    expect(opVersion(theOp, tensors)).toBe(expected);
  });

  it('every version it can produce is within what TFLite 2.9 loads', () => {
    for (const [code, max] of Object.entries(MAX_VERSION_TFLITE_2_9)) {
      for (const types of [[TensorType.INT8, TensorType.INT8], [TensorType.FLOAT32, TensorType.INT8]]) {
        const theOp = op(Number(code), Number(code) === BuiltinOperator.FULLY_CONNECTED ? { kind: 'fullyConnected', activation: 0, keepNumDims: true } : { kind: 'none' });
        const tensors = [tensor(types[0]!), tensor(types[1]!, 4), tensor(TensorType.FLOAT32)];
        expect(opVersion(theOp, tensors)).toBeLessThanOrEqual(max!);
      }
    }
  });
});

/** Dynamic-range weights (FC per tensor) on every FC, however small: the real transform. */
const quantizeFullyConnectedWeights = dynamicRangeTransform({ minElements: 0 });

describe('graphTransforms (the quantization hook)', () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [16], units: 8, activation: 'relu' }), tf.layers.dense({ units: 4 })] });
  randomizeWeights(model);

  it('writes transformed tensors with their quantization and bumps op versions', () => {
    const d = readTflite(convert(model, { graphTransforms: [quantizeFullyConnectedWeights] }));
    expect(d.operators.map((o) => `${o.name} v${o.version}`)).toEqual(['FULLY_CONNECTED v3', 'FULLY_CONNECTED v3']);
    expect(d.minRuntimeVersion).toBe('1.14.0');
    const weights = d.tensors[d.operators[0]!.inputs[1]!]!;
    expect(weights.typeName).toBe('INT8');
    expect(weights.dataBytes).toBe(16 * 8);
    expect(weights.quantization?.zeroPoint).toEqual([0]);
    expect(weights.quantization?.scale[0]).toBeGreaterThan(0);
  });

  it('the hybrid file runs in tfjs-tflite-node close to the float model', async () => {
    const inputs = randomInputs(model);
    const interpreter = await loadInterpreter(convert(model, { graphTransforms: [quantizeFullyConnectedWeights] }), { numThreads: 1 });
    const actual = interpreter.predict(inputs.arrays[0]!);
    interpreter.dispose();
    expect(relativeMaxDiff(tfjsPredict(model, inputs)[0]!, actual)).toBeLessThan(0.05);
  });

  it('refuses to write an op version above the runtime ceiling, naming op, layer and limit', () => {
    const graph = buildGraph(model);
    expect(serializeGraph(graph).length).toBeGreaterThan(0);
    const quantized = quantizeFullyConnectedWeights(buildGraph(model));
    expect(() => serializeGraph(quantized, { maxOpVersions: { [BuiltinOperator.FULLY_CONNECTED]: 2 } }))
      .toThrow(/FULLY_CONNECTED version 3 \(from layer "dense_Dense\d+"\) is newer than the target runtime loads \(max 2/);
  });

  it('stores extra metadata entries in their own buffers', () => {
    const d = readTflite(convert(model, { metadata: [{ name: 'liteship_extra', data: new Uint8Array([1, 2, 3]) }] }));
    expect(d.metadata.map((m) => [m.name, m.bytes])).toEqual([['min_runtime_version', 16], ['liteship_extra', 3]]);
  });
});

// tfjs model -> full-int8 .tflite: build the float graph, calibrate that graph on
// representative samples in a TFLite interpreter, quantize, write. Async because
// calibration runs the model; the interpreter loader is injected (e.g.
// tflite/runtimes/tfjs-tflite-node's loadInterpreter) to keep this module pure.
import type { LayersModel } from '@tensorflow/tfjs';
import { buildGraph } from '../convert/convert';
import type { ConvertOptions } from '../convert/convert';
import { serializeGraph } from '../writer/serialize';
import type { TensorRange } from './calibration';
import { calibrateGraph } from './graph-calibration';
import type { LoadInterpreter } from './graph-calibration';
import { toFullInt8 } from './int8';
import type { Int8Options, Int8Report } from './int8';

export interface FullInt8Result {
  bytes: Uint8Array;
  report: Int8Report;
  ranges: Map<number, TensorRange>;
}

export async function convertFullInt8(
  model: LayersModel,
  samples: Iterable<readonly Float32Array[]>,
  load: LoadInterpreter,
  options: Int8Options & Pick<ConvertOptions, 'description' | 'metadata' | 'foldBatchNorm' | 'fuseActivations' | 'graphTransforms'> = {},
): Promise<FullInt8Result> {
  let graph = buildGraph(model, options);
  const ranges = await calibrateGraph(graph, samples, load);
  const report: Int8Report = { inputs: [], outputs: [], clampedBiasValues: 0 };
  toFullInt8(graph, ranges, options, report);
  // Transforms of the quantized graph (e.g. sparse weights), after calibration ran on the float one.
  for (const transform of options.graphTransforms ?? []) graph = transform(graph);
  const bytes = serializeGraph(graph, { description: options.description, metadata: options.metadata });
  return { bytes, report, ranges };
}

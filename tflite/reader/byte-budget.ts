// Where a .tflite file's bytes go: constant data per layer, metadata, and the rest
// (flatbuffer tables, names, shapes, alignment padding) as structure.
import type { TfliteModelDescription } from './description';

export interface ByteBudget {
  fileBytes: number;
  weightBytes: number;
  metadataBytes: number;
  structureBytes: number;
  /** Constant bytes grouped by layer, largest first. */
  layers: Array<{ layer: string; bytes: number; tensors: number }>;
}

/**
 * Layer of a constant tensor: its name up to the last '/' ("conv/kernel" -> "conv",
 * TF's "sequential/dense/MatMul" -> "sequential/dense"); names without '/' stand alone.
 */
export function layerOfTensor(name: string): string {
  const cut = name.lastIndexOf('/');
  return cut > 0 ? name.slice(0, cut) : name;
}

export function byteBudget(model: TfliteModelDescription): ByteBudget {
  const metadataBuffers = new Set(model.metadata.map((m) => m.buffer));
  const byLayer = new Map<string, { bytes: number; tensors: number }>();
  const counted = new Set<number>();
  for (const subgraph of model.subgraphs) {
    for (const tensor of subgraph.tensors) {
      // Buffers can be shared between tensors: count each once.
      if (tensor.dataBytes === 0 || counted.has(tensor.buffer)) continue;
      counted.add(tensor.buffer);
      const layer = layerOfTensor(tensor.name);
      const entry = byLayer.get(layer) ?? { bytes: 0, tensors: 0 };
      entry.bytes += tensor.dataBytes;
      entry.tensors += 1;
      byLayer.set(layer, entry);
    }
  }
  const weightBytes = [...byLayer.values()].reduce((sum, e) => sum + e.bytes, 0);
  // Metadata buffers plus the associated files packed after the flatbuffer (labels.txt).
  const metadataBytes = model.buffers.filter((b) => metadataBuffers.has(b.index)).reduce((sum, b) => sum + b.bytes, 0) +
    (model.associatedFiles ?? []).reduce((sum, f) => sum + f.bytes, 0);
  return {
    fileBytes: model.fileBytes,
    weightBytes,
    metadataBytes,
    structureBytes: model.fileBytes - weightBytes - metadataBytes,
    layers: [...byLayer.entries()].map(([layer, e]) => ({ layer, ...e })).sort((a, b) => b.bytes - a.bytes),
  };
}

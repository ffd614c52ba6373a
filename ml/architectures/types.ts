// What a spec may say about the model to train. Mirrors contracts' ArchitectureSpec
// structurally (ml does not import contracts).

/** A layer in TensorFlow.js's layer vocabulary: `type` is the tf.layers factory name. */
export type LayerConfig = { type: string } & Record<string, unknown>;

export type ArchitectureChoice =
  | 'mlp'
  | 'cnn'
  | { name: 'mobilenet-v2'; alpha: number }
  | { layers: LayerConfig[] }
  | { model: string; trainable: 'all' | { from: string }; newHead: boolean };

/**
 * What liteship's TFLite converter can write: tflite's converterTable(), passed in by the
 * caller (ml does not import tflite) so the converter's registry stays the one source.
 */
export interface ConverterTable {
  layerClasses: readonly string[];
  activations: readonly string[];
}

/** A model cannot be built or would not convert: what is wrong and how to fix it. */
export class ArchitectureError extends Error {
  override readonly name = 'ArchitectureError';
}

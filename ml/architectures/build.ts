// One entry point from a spec's architecture to a compiled model, pure and independent of
// the training loop: createModel for the built-ins, mobileNetV2, a layer list, or a saved
// model prepared for fine-tuning (its bytes are read by the caller). Every result has
// passed the converter's layer table before it is returned, so nothing trains that would
// not convert.
import type * as tf from '@tensorflow/tfjs';
import { compileModel, createModel, DEFAULT_LEARNING_RATE } from '../models';
import { assertConvertible } from './convertible';
import { prepareFineTune } from './fine-tune';
import { sequentialFromLayers } from './layer-list';
import { mobileNetV2 } from './mobilenet-v2';
import { loadSavedLayersModel, type ReadWeightFile } from './saved-model';
import { ArchitectureError, type ArchitectureChoice, type ConverterTable } from './types';

export interface BuildOptions {
  inputShape: [number, number, number];
  numClasses: number;
  seed: number;
  learningRate?: number;
  /** What the converter can write (tflite's converterTable()): every model is checked against it. */
  converter: ConverterTable;
}

/** The saved model of a fine-tune architecture, read by the caller. */
export interface SavedModelFiles {
  modelJson: Uint8Array;
  readWeightFile: ReadWeightFile;
}

/** A human name for logs and reports. */
export function architectureLabel(arch: ArchitectureChoice): string {
  if (typeof arch === 'string') return arch;
  if ('name' in arch) return `${arch.name} alpha ${arch.alpha}`;
  if ('layers' in arch) return `layers (${arch.layers.length})`;
  return `fine-tune ${arch.model}`;
}

export async function buildArchitecture(arch: ArchitectureChoice, opts: BuildOptions, saved?: SavedModelFiles): Promise<tf.LayersModel> {
  const learningRate = opts.learningRate ?? DEFAULT_LEARNING_RATE;
  if (typeof arch === 'string') return createModel(arch, { ...opts, learningRate });
  let model: tf.LayersModel;
  if ('name' in arch) {
    model = mobileNetV2({ ...opts, alpha: arch.alpha });
  } else if ('layers' in arch) {
    model = sequentialFromLayers(arch.layers, opts);
  } else {
    if (!saved) throw new ArchitectureError(`architecture.model ${arch.model}: the saved model's files were not given`);
    const loaded = await loadSavedLayersModel(saved.modelJson, arch.model, saved.readWeightFile);
    try {
      assertConvertible(loaded, arch.model, opts.converter);
      model = prepareFineTune(loaded, { ...opts, trainable: arch.trainable, newHead: arch.newHead }, arch.model);
    } catch (err) {
      loaded.dispose();
      throw err;
    }
  }
  assertConvertible(model, architectureLabel(arch), opts.converter);
  compileModel(model, learningRate);
  return model;
}

// Fine-tuning a saved model: freeze the layers before a named one and optionally replace
// the classifier with a new softmax Dense for this dataset's class count. Frozen layers
// are `layer.trainable = false`, which every training loop honours through
// model.trainableWeights; frozen BatchNormalization layers also stop updating their
// moving statistics (Keras' behaviour), see freezeBatchNormStatistics.
import * as tf from '@tensorflow/tfjs';
import { seededKernels } from './seeded';
import { ArchitectureError } from './types';

export interface FineTuneOptions {
  inputShape: [number, number, number];
  numClasses: number;
  seed: number;
  trainable: 'all' | { from: string };
  newHead: boolean;
}

export const NEW_HEAD_NAME = 'liteship_head';

/** The layer whose output feeds the classifier: strips trailing Softmax/Activation layers, then the final Dense. */
function headInput(model: tf.LayersModel, source: string): tf.SymbolicTensor {
  let i = model.layers.length - 1;
  while (i > 0 && ['Softmax', 'Activation'].includes(model.layers[i]?.getClassName() ?? '')) i--;
  const head = model.layers[i];
  if (head?.getClassName() !== 'Dense') {
    throw new ArchitectureError(`${source}: newHead replaces the final Dense layer, but the model ends with ${head?.getClassName()} "${head?.name}": set newHead to false, or save a model that ends in a Dense classifier`);
  }
  const input = head.input;
  if (Array.isArray(input)) throw new ArchitectureError(`${source}: the final Dense layer "${head.name}" has several inputs`);
  return input;
}

export function prepareFineTune(saved: tf.LayersModel, opts: FineTuneOptions, source: string): tf.LayersModel {
  const expected = saved.inputs[0]?.shape.slice(1) ?? [];
  if (saved.inputs.length !== 1 || JSON.stringify(expected) !== JSON.stringify(opts.inputShape)) {
    throw new ArchitectureError(`${source}: the model takes inputs of shape [${expected.join(', ')}] but the images are [${opts.inputShape.join(', ')}]: resize the data or save a model for this input shape`);
  }
  let model = saved;
  if (opts.newHead) {
    const kernel = seededKernels(opts.seed);
    const head = tf.layers.dense({ units: opts.numClasses, activation: 'softmax', kernelInitializer: kernel(), name: NEW_HEAD_NAME });
    model = tf.model({ inputs: saved.inputs, outputs: head.apply(headInput(saved, source)) as tf.SymbolicTensor, name: `${saved.name}_fine_tuned` });
  } else {
    const classes = saved.outputs[0]?.shape[1];
    if (saved.outputs.length !== 1 || classes !== opts.numClasses) {
      throw new ArchitectureError(`${source}: the model predicts ${classes} classes but the dataset has ${opts.numClasses}: set "newHead": true to replace the classifier`);
    }
  }
  if (opts.trainable !== 'all') {
    const from = opts.trainable.from;
    const index = model.layers.findIndex((l) => l.name === from);
    if (index < 0) {
      throw new ArchitectureError(`${source}: trainable.from names layer "${from}", which the model does not have; its layers are: ${model.layers.map((l) => l.name).join(', ')}`);
    }
    model.layers.forEach((layer, i) => {
      layer.trainable = i >= index;
    });
  }
  freezeBatchNormStatistics(model);
  return model;
}

/**
 * tfjs's BatchNormalization updates its moving mean/variance whenever it is called in
 * training mode, even with trainable = false. Run frozen ones in inference mode, as Keras
 * does, so a frozen layer's weights stay bit-identical. Instance-level (not serialized):
 * call it again after loading a checkpoint (deserializeModel does).
 */
export function freezeBatchNormStatistics(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if ('layers' in layer && layer !== model) freezeBatchNormStatistics(layer as unknown as tf.LayersModel);
    if (layer.getClassName() !== 'BatchNormalization' || layer.trainable) continue;
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  }
}

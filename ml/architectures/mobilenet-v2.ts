// MobileNetV2 (Sandler et al. 2018) as Keras' keras.applications.MobileNetV2 builds it,
// with the width multiplier `alpha`, for any input of at least 32x32 whose sides are
// multiples of 32 (five stride-2 stages). Every layer is inside liteship's converter:
// Conv2D/DepthwiseConv2D without bias + BatchNormalization (folded into the conv),
// ReLU6 (fused), residual Add, GlobalAveragePooling2D (MEAN) and a softmax Dense.
// Stride-2 convolutions use padding "same" where Keras pads explicitly; TFLite's SAME
// and TensorFlow's agree, so tfjs and the file compute the same thing.
import * as tf from '@tensorflow/tfjs';
import { seededKernels, type Initializer } from './seeded';
import { ArchitectureError } from './types';

export interface MobileNetV2Options {
  inputShape: [number, number, number];
  numClasses: number;
  seed: number;
  /** Width multiplier: 0.35, 0.5, 0.75, 1.0, 1.3, 1.4 in Keras' pretrained set; any value in (0, 2]. */
  alpha: number;
}

/** [output channels, stride, expansion] of each inverted residual block (Keras' table). */
const BLOCKS: ReadonlyArray<readonly [number, number, number]> = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

/** Keras' _make_divisible: round to a multiple of 8, never more than 10% below v. */
export function makeDivisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

// Keras uses momentum 0.999, tuned for ImageNet-length runs: after the few dozen steps of
// an epoch on a small folder the moving statistics (what inference and the .tflite use)
// would still be mostly their initial values and the model would answer one class. With
// 0.9 they follow the data within ~20 steps (0.9^20 = 0.12).
const BN = { epsilon: 1e-3, momentum: 0.9 };

export function checkMobileNetV2Input(inputShape: readonly number[], alpha: number): string[] {
  const problems: string[] = [];
  const [h = 0, w = 0] = inputShape;
  if (h < 32 || w < 32 || h % 32 !== 0 || w % 32 !== 0) {
    problems.push(`mobilenet-v2 needs images whose height and width are multiples of 32 (at least 32), got ${h}x${w}: resize the images (e.g. to ${Math.max(32, Math.round(h / 32) * 32)}x${Math.max(32, Math.round(w / 32) * 32)})`);
  }
  if (!(alpha > 0 && alpha <= 2)) problems.push(`mobilenet-v2 alpha must be in (0, 2], got ${alpha}`);
  return problems;
}

export function mobileNetV2(opts: MobileNetV2Options): tf.LayersModel {
  const problems = checkMobileNetV2Input(opts.inputShape, opts.alpha);
  if (problems.length > 0) throw new ArchitectureError(problems.join('; '));
  const kernel = seededKernels(opts.seed);
  const { alpha } = opts;
  const input = tf.input({ shape: opts.inputShape, name: 'image' });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor => layer.apply(x) as tf.SymbolicTensor;
  const convBnRelu = (x: tf.SymbolicTensor, filters: number, size: number, strides: number, name: string, relu = true): tf.SymbolicTensor => {
    x = apply(tf.layers.conv2d({ filters, kernelSize: size, strides, padding: 'same', useBias: false, kernelInitializer: kernel(), name }), x);
    x = apply(tf.layers.batchNormalization({ ...BN, name: `${name}_bn` }), x);
    return relu ? apply(tf.layers.reLU({ maxValue: 6, name: `${name}_relu` }), x) : x;
  };
  const depthwise = (x: tf.SymbolicTensor, strides: number, name: string, init: Initializer): tf.SymbolicTensor => {
    x = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', useBias: false, depthwiseInitializer: init, name }), x);
    x = apply(tf.layers.batchNormalization({ ...BN, name: `${name}_bn` }), x);
    return apply(tf.layers.reLU({ maxValue: 6, name: `${name}_relu` }), x);
  };

  let x = convBnRelu(input, makeDivisible(32 * alpha), 3, 2, 'conv1');
  let channels = makeDivisible(32 * alpha);
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    const prefix = id === 0 ? 'expanded_conv' : `block_${id}`;
    const blockInput = x;
    const out = makeDivisible(Math.trunc(filters * alpha));
    if (id > 0) x = convBnRelu(x, expansion * channels, 1, 1, `${prefix}_expand`);
    x = depthwise(x, stride, `${prefix}_depthwise`, kernel());
    x = convBnRelu(x, out, 1, 1, `${prefix}_project`, false);
    if (stride === 1 && channels === out) x = tf.layers.add({ name: `${prefix}_add` }).apply([blockInput, x]) as tf.SymbolicTensor;
    channels = out;
  });
  x = convBnRelu(x, alpha > 1 ? makeDivisible(1280 * alpha) : 1280, 1, 1, 'conv_last');
  x = apply(tf.layers.globalAveragePooling2d({ name: 'global_pool' }), x);
  const output = apply(tf.layers.dense({ units: opts.numClasses, activation: 'softmax', kernelInitializer: kernel(), name: 'predictions' }), x);
  return tf.model({ inputs: input, outputs: output, name: `mobilenet_v2_${alpha}` });
}

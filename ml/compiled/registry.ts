// Layer class name -> how the compiled step builds it (./layers). The single source
// of what the compiled training step supports; any other layer kind makes the model
// train through the tape step runners instead (ml/loop/step-runners.ts).
import { activationLayer } from './layers/activation';
import { conv2dLayer, depthwiseConv2dLayer, separableConv2dLayer } from './layers/conv';
import { denseLayer } from './layers/dense';
import { batchNormalizationLayer } from './layers/normalization';
import { averagePooling2dLayer, globalAveragePooling2dLayer, maxPooling2dLayer } from './layers/pooling';
import { dropoutLayer } from './layers/dropout';
import { averageLayer, concatenateLayer, leakyReluLayer, rescalingLayer, zeroPadding2dLayer } from './layers/extra';
import { addLayer, reshapeLayer } from './layers/shape';
import type { CompiledLayerKind } from './layers/types';

export const COMPILED_LAYERS: Readonly<Record<string, CompiledLayerKind>> = {
  Dense: denseLayer,
  Conv2D: conv2dLayer,
  DepthwiseConv2D: depthwiseConv2dLayer,
  MaxPooling2D: maxPooling2dLayer,
  AveragePooling2D: averagePooling2dLayer,
  GlobalAveragePooling2D: globalAveragePooling2dLayer,
  Flatten: reshapeLayer,
  Reshape: reshapeLayer,
  Dropout: dropoutLayer,
  Activation: activationLayer,
  ReLU: activationLayer,
  Softmax: activationLayer,
  Add: addLayer,
  BatchNormalization: batchNormalizationLayer,
  SeparableConv2D: separableConv2dLayer,
  Rescaling: rescalingLayer,
  ZeroPadding2D: zeroPadding2dLayer,
  LeakyReLU: leakyReluLayer,
  Concatenate: concatenateLayer,
  Average: averageLayer,
};

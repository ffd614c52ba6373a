// Layer class name -> lowering. The single source of what convert() supports.
import { activationLayers, SUPPORTED_ACTIVATIONS } from './layers/activations';
import { lowerConv2D, lowerDepthwiseConv2D, lowerSeparableConv2D } from './layers/conv';
import { lowerDense } from './layers/dense';
import { mergeLayers } from './layers/merge';
import { normalizationLayers } from './layers/normalization';
import { poolingLayers } from './layers/pooling';
import { shapeLayers } from './layers/shape';
import type { LayerLowering } from './layers/types';

export const LAYER_LOWERINGS: Readonly<Record<string, LayerLowering>> = {
  Dense: lowerDense,
  Conv2D: lowerConv2D,
  DepthwiseConv2D: lowerDepthwiseConv2D,
  SeparableConv2D: lowerSeparableConv2D,
  ...poolingLayers,
  ...shapeLayers,
  ...normalizationLayers,
  ...activationLayers,
  ...mergeLayers,
};

/** Container classes whose inner layers are converted in place. */
export const NESTED_MODEL_CLASSES = ['Sequential', 'Model', 'Functional'] as const;

export function supportedLayerClasses(): string[] {
  return Object.keys(LAYER_LOWERINGS).sort();
}

/** What the converter can write, for callers that check a model before training it (ml/architectures). */
export function converterTable(): { layerClasses: string[]; activations: string[] } {
  return { layerClasses: supportedLayerClasses(), activations: [...SUPPORTED_ACTIVATIONS] };
}

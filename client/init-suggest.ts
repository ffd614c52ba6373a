/**
 * What `liteship init` proposes for a folder of images: the input size from the images' own
 * sizes and an architecture to match. Pure, so the rules are tested without files.
 */

export interface ImageSizeSample {
  width: number;
  height: number;
  channels: number;
}

export interface Suggestion {
  imageSize: [number, number];
  channels: 1 | 3;
  architecture: 'cnn' | { name: 'mobilenet-v2'; alpha: number };
  /** Photos get the usual mild augmentation; digits and icons none (a flipped 7 is not a 7). */
  augment?: { flip: 'horizontal'; shift: number; rotate: number; brightness: number };
  why: string;
}

const PHOTO_AUGMENT = { flip: 'horizontal', shift: 0.1, rotate: 10, brightness: 0.1 } as const;

/** mobilenet-v2 input sizes (multiples of 32) from small to large; photos get the largest their size supports. */
const MOBILENET_SIZES = [96, 128, 160, 192, 224];
/** Below this (median shorter side), images are icon/digit-sized: the small cnn fits them better than a mobile backbone. */
export const MOBILENET_MIN_SIDE = 96;
const CNN_MAX_SIDE = 64;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

export function suggest(samples: ImageSizeSample[]): Suggestion {
  if (samples.length === 0) throw new RangeError('no image sizes to suggest from');
  const h = median(samples.map((s) => s.height));
  const w = median(samples.map((s) => s.width));
  // Gray (1) or gray+alpha (2) everywhere: train on one channel; any colour image makes it RGB.
  const channels: 1 | 3 = samples.every((s) => s.channels <= 2) ? 1 : 3;
  const side = Math.min(h, w);
  const seen = `median image ${w}x${h}`;
  if (side >= MOBILENET_MIN_SIDE) {
    const size = [...MOBILENET_SIZES].reverse().find((s) => s <= side) ?? MOBILENET_SIZES[0]!;
    return {
      imageSize: [size, size],
      channels,
      architecture: { name: 'mobilenet-v2', alpha: 0.35 },
      augment: { ...PHOTO_AUGMENT },
      why: `${seen}: photo-sized, so mobilenet-v2 (alpha 0.35, the smallest width) at ${size}x${size}, the largest of its input sizes the images fill`,
    };
  }
  const size = (n: number) => Math.max(8, Math.min(CNN_MAX_SIDE, Math.round(n)));
  const imageSize: [number, number] = [size(h), size(w)];
  const why = `${seen}: smaller than mobilenet-v2's ${MOBILENET_MIN_SIDE} px, so the small cnn at ${imageSize[1]}x${imageSize[0]} (their own size, at most ${CNN_MAX_SIDE} a side)`;
  return { imageSize, channels, architecture: 'cnn', why };
}

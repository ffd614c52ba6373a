// Seeded training-time augmentation on uint8 batches. Each example's transform
// is drawn from (seed, epoch, example index) alone, so the same seed gives the
// same pixels whatever the batch size, shard order or resume point, and each
// epoch sees a fresh variation. Geometry is one inverse affine map (flip, shift,
// rotation about the centre) sampled nearest-neighbour with edge clamping (Keras'
// fill_mode "nearest"); brightness adds one offset to every channel.
import type { Examples } from './batch-source';
import { createRng, mixSeed } from './shuffle';

export interface AugmentOptions {
  flip?: 'horizontal' | 'none';
  /** Largest shift as a fraction of width/height, e.g. 0.1. */
  shift?: number;
  /** Largest rotation in degrees either way. */
  rotate?: number;
  /** Largest brightness change as a fraction of full scale, e.g. 0.2 = +-51 levels. */
  brightness?: number;
}

export function isIdentity(a: AugmentOptions): boolean {
  return (a.flip ?? 'none') === 'none' && !a.shift && !a.rotate && !a.brightness;
}

/** Augments `batch` in place; `indices[k]` is the dataset index of example k. */
export function augmentBatch(
  batch: Examples,
  imageShape: readonly [number, number, number],
  indices: ArrayLike<number>,
  opts: AugmentOptions,
  seed: number,
  epoch: number,
): void {
  if (isIdentity(opts)) return;
  const [h, w, c] = imageShape;
  const size = h * w * c;
  const scratch = new Uint8Array(size);
  const epochSeed = mixSeed(seed, epoch);
  for (let k = 0; k < batch.count; k++) {
    const rng = createRng(mixSeed(epochSeed, indices[k] ?? 0));
    const flip = opts.flip === 'horizontal' && rng() < 0.5;
    const dx = (rng() * 2 - 1) * (opts.shift ?? 0) * w;
    const dy = (rng() * 2 - 1) * (opts.shift ?? 0) * h;
    const angle = (((rng() * 2 - 1) * (opts.rotate ?? 0)) * Math.PI) / 180;
    const delta = Math.round((rng() * 2 - 1) * (opts.brightness ?? 0) * 255);
    const image = batch.images.subarray(k * size, (k + 1) * size);
    scratch.set(image);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // Output (x, y) -> source: undo the shift, then the rotation, then the flip.
        const ux = x - dx - cx;
        const uy = y - dy - cy;
        let sx = cos * ux + sin * uy + cx;
        const sy = -sin * ux + cos * uy + cy;
        if (flip) sx = w - 1 - sx;
        const ix = Math.min(w - 1, Math.max(0, Math.round(sx)));
        const iy = Math.min(h - 1, Math.max(0, Math.round(sy)));
        for (let ch = 0; ch < c; ch++) {
          const v = (scratch[(iy * w + ix) * c + ch] ?? 0) + delta;
          image[(y * w + x) * c + ch] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
    }
  }
}

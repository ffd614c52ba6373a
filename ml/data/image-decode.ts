// JPEG/PNG -> uint8 pixels of one size and channel count, with sharp (libvips):
// it decodes and resizes in native code off the JS thread, needs no tfjs backend
// (data preparation works the same whichever backend trains), and is strict about
// truncated files (failOn "warning"), so a damaged JPEG is an error, not gray pixels.
import sharp from 'sharp';
import { DatasetError } from './errors';

export interface ImageTarget {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Images over this many pixels are refused before decoding (a 16k x 16k photo is 256M). */
const MAX_INPUT_PIXELS = 100_000_000;

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'] as const;

export function isImageFile(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Decodes `bytes` (named `file` in errors), applies the EXIF orientation, drops alpha
 * (flattened onto black), converts to gray or sRGB and resizes to exactly
 * height x width (stretching: phones' TFLite loaders resize the same way, without crop).
 */
export async function decodeImage(bytes: Uint8Array, file: string, target: ImageTarget): Promise<Uint8Array> {
  try {
    let img = sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_INPUT_PIXELS }).rotate().flatten({ background: '#000000' });
    img = target.channels === 1 ? img.grayscale() : img.toColourspace('srgb');
    const { data, info } = await img
      .resize(target.width, target.height, { fit: 'fill', kernel: 'linear' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== target.channels || info.width !== target.width || info.height !== target.height) {
      throw new Error(`decoder returned ${info.width}x${info.height}x${info.channels}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new DatasetError(
      'bad-image',
      file,
      `cannot decode this image (${why.trim()}). Replace or delete the file, or set "onBadImage": "skip" in data to leave unreadable images out.`,
    );
  }
}

/** Width and height of an image from its header, without decoding pixels (for `liteship init`). */
export async function imageDimensions(bytes: Uint8Array, file: string): Promise<{ width: number; height: number; channels: number }> {
  try {
    const m = await sharp(bytes).metadata();
    if (!m.width || !m.height) throw new Error('no dimensions in the header');
    return { width: m.width, height: m.height, channels: m.channels ?? 3 };
  } catch (err) {
    throw new DatasetError('bad-image', file, `cannot read this image's header (${err instanceof Error ? err.message : String(err)}).`);
  }
}

/** Writes MNIST digits as a folder of PNG/JPEG files per class (the layout `data.source: "folder"` reads) for tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadMnist, type ImageSet } from '../../ml';

export interface DigitFolderOptions {
  /** Digit classes to write, each as folder `digit-<d>`. */
  digits: number[];
  perClass: number;
  format?: 'png' | 'jpeg';
  /** Images of class d are taken from this offset on in the MNIST split (to make disjoint train/test folders). */
  offset?: number;
  split?: 'train' | 'test';
  /** Folder name per digit (default `digit-<d>`), e.g. { 0: 'cat' }. */
  names?: Record<number, string>;
  /**
   * Vary the files as photos from several cameras would: every 3rd image is stored at 40x40 and
   * every 4th as RGB (both before the folder is resized/converted to the spec's imageSize and channels).
   */
  mixed?: boolean;
}

let mnist: ReturnType<typeof loadMnist> | undefined;

/** The raw 28x28 gray digit #i of a split. */
export function digitPixels(set: ImageSet, i: number): Uint8Array {
  return set.images.subarray(i * 784, (i + 1) * 784);
}

export async function encodeGray(pixels: Uint8Array, width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  // b-w: a one-channel PNG/JPEG (sharp writes sRGB unless told), as a camera or scanner would for gray images.
  const img = sharp(Buffer.from(pixels), { raw: { width, height, channels: 1 } }).toColourspace('b-w');
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 95 }).toBuffer();
}

/** A gray digit as a 3-channel (RGB) image of the same gray values. */
function toRgb(pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(pixels.length * 3);
  pixels.forEach((p, i) => out.fill(p, 3 * i, 3 * i + 3));
  return out;
}

async function encodeVaried(pixels: Uint8Array, n: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const rgb = n % 4 === 3;
  let img = sharp(Buffer.from(rgb ? toRgb(pixels) : pixels), { raw: { width: 28, height: 28, channels: rgb ? 3 : 1 } });
  if (n % 3 === 2) img = img.resize(40, 40);
  if (!rgb) img = img.toColourspace('b-w');
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 95 }).toBuffer();
}

/** Writes the folder and returns the class folder names in the order the files were written (sort them for the labels). */
export async function writeDigitFolder(root: string, opts: DigitFolderOptions): Promise<string[]> {
  mnist ??= loadMnist();
  const set = mnist[opts.split ?? 'train'];
  const format = opts.format ?? 'png';
  const names: string[] = [];
  for (const d of opts.digits) {
    const name = opts.names?.[d] ?? `digit-${d}`;
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    names.push(name);
    let written = 0;
    let skip = opts.offset ?? 0;
    for (let i = 0; i < set.count && written < opts.perClass; i++) {
      if (set.labels[i] !== d) continue;
      if (skip-- > 0) continue;
      const file = path.join(dir, `${String(i).padStart(5, '0')}.${format === 'png' ? 'png' : 'jpg'}`);
      const pixels = digitPixels(set, i);
      writeFileSync(file, opts.mixed ? await encodeVaried(pixels, written, format) : await encodeGray(pixels, 28, 28, format));
      written++;
    }
  }
  return names;
}

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

/** Writes the folder and returns the class folder names in label order. */
export async function writeDigitFolder(root: string, opts: DigitFolderOptions): Promise<string[]> {
  mnist ??= loadMnist();
  const set = mnist[opts.split ?? 'train'];
  const format = opts.format ?? 'png';
  const names: string[] = [];
  for (const d of opts.digits) {
    const dir = path.join(root, `digit-${d}`);
    mkdirSync(dir, { recursive: true });
    names.push(`digit-${d}`);
    let written = 0;
    let skip = opts.offset ?? 0;
    for (let i = 0; i < set.count && written < opts.perClass; i++) {
      if (set.labels[i] !== d) continue;
      if (skip-- > 0) continue;
      const file = path.join(dir, `${String(i).padStart(5, '0')}.${format === 'png' ? 'png' : 'jpg'}`);
      writeFileSync(file, await encodeGray(digitPixels(set, i), 28, 28, format));
      written++;
    }
  }
  return names;
}

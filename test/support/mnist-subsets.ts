/** Small MNIST-derived datasets for the architecture e2e tests, written as IDX files. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeIdx, type ImageSet } from '../../ml';

/** The first `count` images of `set` whose label is below `classes`, relabelled 0..classes-1 (a subset of the digits). */
export function firstDigits(set: ImageSet, classes: number, count: number): ImageSet {
  const size = set.imageShape[0] * set.imageShape[1] * set.imageShape[2];
  const picked: number[] = [];
  for (let i = 0; i < set.count && picked.length < count; i++) if ((set.labels[i] ?? 0) < classes) picked.push(i);
  const images = new Uint8Array(picked.length * size);
  picked.forEach((src, k) => images.set(set.images.subarray(src * size, (src + 1) * size), k * size));
  return { images, labels: Uint8Array.from(picked, (i) => set.labels[i] ?? 0), count: picked.length, imageShape: [...set.imageShape], numClasses: classes };
}

/** 28x28x1 digits as 32x32x3 colour images: padded by 2 pixels and tinted per channel. */
export function toRgb32(set: ImageSet): ImageSet {
  const [h, w] = set.imageShape;
  const images = new Uint8Array(set.count * 32 * 32 * 3);
  const tint = [1, 0.8, 0.6];
  for (let n = 0; n < set.count; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = set.images[n * h * w + y * w + x] ?? 0;
        const at = ((n * 32 + y + 2) * 32 + x + 2) * 3;
        for (let c = 0; c < 3; c++) images[at + c] = Math.round(v * (tint[c] ?? 1));
      }
    }
  }
  return { ...set, images, imageShape: [32, 32, 3] };
}

/** An IDX `data` section ([n, h, w] or [n, h, w, c] images) for a train and a test set. */
export function writeIdxData(dir: string, train: ImageSet, test: ImageSet) {
  const write = (name: string, set: ImageSet) => {
    const [h, w, c] = set.imageShape;
    const images = path.join(dir, `${name}-images.idx`);
    const labels = path.join(dir, `${name}-labels.idx`);
    writeFileSync(images, encodeIdx({ dtype: 'uint8', dims: c === 1 ? [set.count, h, w] : [set.count, h, w, c], data: set.images }));
    writeFileSync(labels, encodeIdx({ dtype: 'uint8', dims: [set.count], data: set.labels }));
    return { images, labels };
  };
  const t = write('train', train);
  const e = write('test', test);
  return { source: 'idx', trainImages: t.images, trainLabels: t.labels, testImages: e.images, testLabels: e.labels, numClasses: train.numClasses };
}

// Image-folder datasets: one subfolder per class, labels = folder names sorted.
// Reads through a FolderReader (local disk or object store, supplied by the
// caller: ml/ knows neither), decodes a few images at a time and writes shards
// as they fill, so preparing a folder of any size holds one shard in memory.
import { createHash } from 'node:crypto';
import type { ShardInfo, SkippedFile, SplitManifest } from './dataset-manifest';
import { DatasetError } from './errors';
import { decodeImage, type ImageTarget } from './image-decode';
import { ShardWriter, type StoreShard } from './shard-writer';
import { mixSeed, seededPermutation } from './shuffle';

export interface ClassFolder {
  name: string;
  /** Image files in this class folder, relative to the dataset root ("cat/001.jpg"). */
  files: string[];
}

/** Lists and reads a dataset root (a local folder or an s3:// prefix). */
export interface FolderReader {
  /** The root's immediate subfolders with the image files (.jpg, .jpeg, .png) under each, sorted. */
  listClasses(root: string): Promise<ClassFolder[]>;
  read(root: string, relative: string): Promise<Uint8Array>;
  /** The file's name in messages: an absolute path or an s3:// URI. */
  describe(root: string, relative: string): string;
}

export interface ImageFolderOptions extends ImageTarget {
  train: string;
  test?: string;
  /** Fraction of each class held out for testing when there is no `test` folder. */
  validationSplit: number;
  onBadImage: 'fail' | 'skip';
}

export interface PreparedFolder {
  labels: string[];
  imageShape: [number, number, number];
  filesSha256: string;
  skipped: SkippedFile[];
  train: SplitManifest;
  test: SplitManifest;
}

/** Seed of the stored order and the held-out split: fixed, so the same folder always prepares to the same bytes. */
const PREPARE_SEED = 0x11f01de5;
/** Images decoded at once: sharp decodes on libuv's pool (4 threads by default), so a few in flight keep the cores busy. */
const DECODE_AHEAD = 4;

interface Example {
  file: string;
  label: number;
  root: string;
}

export async function checkedClasses(reader: FolderReader, root: string): Promise<ClassFolder[]> {
  const classes = await reader.listClasses(root);
  if (classes.length === 0) {
    throw new DatasetError('empty', root, 'has no class folders: put the images of each class in their own subfolder (e.g. cats/, dogs/).');
  }
  for (const c of classes) {
    if (c.files.length === 0) {
      throw new DatasetError(
        'empty-class',
        reader.describe(root, c.name),
        'this class folder holds no .jpg, .jpeg or .png images: add images of this class or remove the folder.',
      );
    }
  }
  if (classes.length === 1) {
    throw new DatasetError(
      'too-few-classes',
      root,
      `has a single class folder (${classes[0]?.name}): a classifier needs at least 2 classes, one subfolder each.`,
    );
  }
  if (classes.length > 256) throw new DatasetError('too-few-classes', root, `has ${classes.length} class folders; at most 256 are supported.`);
  return [...classes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Per class, a seeded ceil(split * n) of its files go to test (at least 1, and at least 1 stays in train). */
export function holdOut(classes: ClassFolder[], split: number): { train: string[][]; test: string[][] } {
  const train: string[][] = [];
  const test: string[][] = [];
  classes.forEach((c, label) => {
    const order = seededPermutation(c.files.length, mixSeed(PREPARE_SEED, label));
    const n = Math.min(c.files.length - 1, Math.max(1, Math.ceil(split * c.files.length)));
    const picked = Array.from(order, (i) => c.files[i] ?? '');
    test.push(picked.slice(0, n).sort());
    train.push(picked.slice(n).sort());
  });
  return { train, test };
}

function seededOrder(perClass: string[][], root: string, salt: number): Example[] {
  const all = perClass.flatMap((files, label) => files.map((file) => ({ file, label, root })));
  const order = seededPermutation(all.length, mixSeed(PREPARE_SEED, salt));
  return Array.from(order, (i) => all[i]!);
}

export async function prepareImageFolder(reader: FolderReader, opts: ImageFolderOptions, store: StoreShard): Promise<PreparedFolder> {
  const classes = await checkedClasses(reader, opts.train);
  const labels = classes.map((c) => c.name);
  let trainFiles: string[][];
  let testFiles: string[][];
  let testRoot = opts.train;
  if (opts.test) {
    const testClasses = await checkedClasses(reader, opts.test);
    const names = testClasses.map((c) => c.name);
    if (names.join('/') !== labels.join('/')) {
      throw new DatasetError(
        'class-mismatch',
        opts.test,
        `has class folders [${names.join(', ')}] but the training folder ${opts.train} has [${labels.join(', ')}]: both need the same class folders.`,
      );
    }
    trainFiles = classes.map((c) => c.files);
    testFiles = testClasses.map((c) => c.files);
    testRoot = opts.test;
  } else {
    ({ train: trainFiles, test: testFiles } = holdOut(classes, opts.validationSplit));
  }
  const imageShape: [number, number, number] = [opts.height, opts.width, opts.channels];
  const fileHashes: string[] = [];
  const skipped: SkippedFile[] = [];
  const writeSplit = async (name: 'train' | 'test', perClass: string[][], root: string, salt: number): Promise<SplitManifest> => {
    const writer = new ShardWriter(imageShape, labels.length, store);
    const counts = new Array<number>(labels.length).fill(0);
    const examples = seededOrder(perClass, root, salt);
    const decodeOne = async (e: Example): Promise<Uint8Array | undefined> => {
      const where = reader.describe(e.root, e.file);
      const bytes = await reader.read(e.root, e.file);
      fileHashes.push(`${name}\t${e.file}\t${createHash('sha256').update(bytes).digest('hex')}`);
      try {
        return await decodeImage(bytes, where, opts);
      } catch (err) {
        if (opts.onBadImage === 'fail' || !(err instanceof DatasetError)) throw err;
        skipped.push({ file: where, reason: err.message.slice(where.length + 2) });
        return undefined;
      }
    };
    // Up to DECODE_AHEAD decodes in flight; results are written in the seeded order.
    const inFlight = new Map<number, Promise<Uint8Array | undefined>>();
    const begin = (i: number): void => {
      const e = examples[i];
      if (!e) return;
      const pending = decodeOne(e);
      pending.catch(() => undefined); // awaited in order below; this only keeps an early rejection from going unhandled
      inFlight.set(i, pending);
    };
    for (let i = 0; i < DECODE_AHEAD; i++) begin(i);
    for (let i = 0; i < examples.length; i++) {
      const pixels = await inFlight.get(i);
      inFlight.delete(i);
      begin(i + DECODE_AHEAD);
      const label = examples[i]!.label;
      if (pixels) {
        await writer.add(pixels, label);
        counts[label] = (counts[label] ?? 0) + 1;
      }
    }
    const empty = counts.findIndex((n) => n === 0);
    if (empty >= 0) {
      throw new DatasetError('empty-class', reader.describe(root, labels[empty]!), `no image of this class could be read for the ${name} split (all were skipped as unreadable).`);
    }
    return writer.finish();
  };
  const train = await writeSplit('train', trainFiles, opts.train, 1);
  const test = await writeSplit('test', testFiles, testRoot, 2);
  const filesSha256 = createHash('sha256').update(fileHashes.sort().join('\n')).digest('hex');
  return { labels, imageShape, filesSha256, skipped: skipped.sort((a, b) => (a.file < b.file ? -1 : 1)), train, test };
}

export type { ShardInfo };

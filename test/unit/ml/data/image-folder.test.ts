/** Image-folder datasets: decoding, resizing, labels, fingerprints and every bad-input error (real files, real sharp). */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createFolderReader, listLocalFolder } from '../../../../activities/folder-reader';
import { DatasetError, decodeImage, decodeShard, loadMnist, prepareImageFolder, type ImageFolderOptions, type PreparedFolder } from '../../../../ml';
import { digitPixels, encodeGray, writeDigitFolder } from '../../../support/image-folders';

const reader = createFolderReader(listLocalFolder, async (l) => new Uint8Array(await readFile(l)));
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function tempRoot(): string {
  const r = mkdtempSync(path.join(os.tmpdir(), 'liteship-folder-'));
  roots.push(r);
  return r;
}

async function prepare(root: string, opts: Partial<ImageFolderOptions> = {}): Promise<PreparedFolder & { shards: Map<string, Uint8Array> }> {
  const shards = new Map<string, Uint8Array>();
  const result = await prepareImageFolder(
    reader,
    { train: root, validationSplit: 0.2, height: 28, width: 28, channels: 1, onBadImage: 'fail', ...opts },
    async (bytes) => {
      const sha256 = `shard-${shards.size}`;
      shards.set(sha256, bytes);
      return { sha256, bytes: bytes.length };
    },
  );
  return { ...result, shards };
}

async function failure(p: Promise<unknown>): Promise<DatasetError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  return err as DatasetError;
}

const mnist = loadMnist();

describe('decodeImage', () => {
  it('decodes a PNG at its own size to exactly its pixels', async () => {
    const pixels = digitPixels(mnist.train, 0);
    const out = await decodeImage(await encodeGray(pixels, 28, 28, 'png'), 'a.png', { height: 28, width: 28, channels: 1 });
    expect(Buffer.from(out).equals(Buffer.from(pixels))).toBe(true);
  });

  it('resizes a larger image and converts gray to RGB (three equal channels) and RGB to gray', async () => {
    const pixels = digitPixels(mnist.train, 1);
    const big = await sharp(await encodeGray(pixels, 28, 28, 'png')).resize(56, 40).png().toBuffer();
    const rgb = await decodeImage(big, 'big.png', { height: 14, width: 14, channels: 3 });
    expect(rgb.length).toBe(14 * 14 * 3);
    for (let i = 0; i < 14 * 14; i++) expect([rgb[i * 3 + 1], rgb[i * 3 + 2]]).toEqual([rgb[i * 3], rgb[i * 3]]);
    const colour = await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 200, g: 100, b: 0, alpha: 1 } } }).png().toBuffer();
    const gray = await decodeImage(colour, 'colour.png', { height: 8, width: 8, channels: 1 });
    expect(gray.length).toBe(64);
    expect(new Set(gray).size).toBe(1); // a flat colour stays flat
    expect(gray[0]).toBeGreaterThan(90);
    expect(gray[0]).toBeLessThan(140);
  });

  it('a truncated JPEG is an error naming the file', async () => {
    const jpeg = await encodeGray(digitPixels(mnist.train, 2), 28, 28, 'jpeg');
    const err = await failure(decodeImage(jpeg.subarray(0, jpeg.length - 40), '/data/cats/broken.jpg', { height: 28, width: 28, channels: 1 }));
    expect(err.code).toBe('bad-image');
    expect(err.message).toMatch(/^\/data\/cats\/broken\.jpg: cannot decode this image/);
    expect(err.message).toMatch(/onBadImage/);
  });

  it('bytes that are no image are an error naming the file', async () => {
    const err = await failure(decodeImage(new TextEncoder().encode('not an image'), 'x/y.png', { height: 28, width: 28, channels: 1 }));
    expect(err.message).toMatch(/^x\/y\.png: cannot decode/);
  });
});

describe('prepareImageFolder', () => {
  it('labels are the sorted folder names; held-out split per class; stored order mixes the classes', async () => {
    const root = tempRoot();
    await writeDigitFolder(root, { digits: [7, 3, 5], perClass: 20 });
    writeFileSync(path.join(root, 'digit-3', 'notes.txt'), 'ignored');
    const prepared = await prepare(root);
    expect(prepared.labels).toEqual(['digit-3', 'digit-5', 'digit-7']);
    expect(prepared.test.count).toBe(12); // ceil(0.2 * 20) per class
    expect(prepared.train.count).toBe(48);
    const shard = decodeShard(prepared.shards.get(prepared.train.shards[0]!.sha256)!);
    const counts = [0, 0, 0];
    shard.labels.forEach((l) => counts[l]!++);
    expect(counts).toEqual([16, 16, 16]);
    expect(Array.from(shard.labels.subarray(0, 12))).not.toEqual(Array.from(shard.labels.subarray(0, 12)).sort());
    const again = await prepare(root);
    expect([...again.shards.values()].map((b) => Buffer.from(b).toString('base64'))).toEqual([...prepared.shards.values()].map((b) => Buffer.from(b).toString('base64')));
  });

  it('the fingerprint covers names and bytes: renaming a class folder or a file, or changing one byte, changes filesSha256', async () => {
    const root = tempRoot();
    await writeDigitFolder(root, { digits: [1, 2], perClass: 5 });
    const base = (await prepare(root)).filesSha256;
    renameSync(path.join(root, 'digit-1'), path.join(root, 'ones'));
    const renamedClass = await prepare(root);
    expect(renamedClass.filesSha256).not.toBe(base);
    expect(renamedClass.labels).toEqual(['digit-2', 'ones']);
    const [first] = await listLocalFolder(path.join(root, 'ones'));
    renameSync(path.join(root, 'ones', first!), path.join(root, 'ones', `renamed-${first!}`));
    const renamedFile = (await prepare(root)).filesSha256;
    expect(renamedFile).not.toBe(renamedClass.filesSha256);
    const target = path.join(root, 'ones', `renamed-${first!}`);
    const bytes = readFileSync(target);
    writeFileSync(target, Buffer.concat([bytes, Buffer.from([0])])); // a trailing byte PNG decoders ignore
    const changed = await prepare(root);
    expect(changed.filesSha256).not.toBe(renamedFile);
    expect(await prepare(root)).toMatchObject({ filesSha256: changed.filesSha256 });
  });

  it('a corrupt JPEG fails with its path; with onBadImage "skip" it is left out and listed', async () => {
    const root = tempRoot();
    await writeDigitFolder(root, { digits: [1, 2], perClass: 6, format: 'jpeg' });
    const bad = path.join(root, 'digit-2', 'broken.jpg');
    const good = readFileSync(path.join(root, 'digit-1', (await listLocalFolder(path.join(root, 'digit-1')))[0]!));
    writeFileSync(bad, good.subarray(0, good.length - 60));
    const err = await failure(prepare(root));
    expect(err.message.startsWith(`${bad}: cannot decode this image`)).toBe(true);
    const skipped = await prepare(root, { onBadImage: 'skip' });
    expect(skipped.skipped.map((s) => s.file)).toEqual([bad]);
    expect(skipped.skipped[0]!.reason).toMatch(/cannot decode/);
    expect(skipped.train.count + skipped.test.count).toBe(12);
  });

  it('an empty class folder, a single class and a folder without class folders are clear errors', async () => {
    const root = tempRoot();
    await writeDigitFolder(root, { digits: [1, 2], perClass: 3 });
    mkdirSync(path.join(root, 'empty-class'));
    const empty = await failure(prepare(root));
    expect(empty.code).toBe('empty-class');
    expect(empty.message).toMatch(new RegExp(`^${root}/empty-class: this class folder holds no .jpg, .jpeg or .png images`));

    const single = tempRoot();
    await writeDigitFolder(single, { digits: [4], perClass: 3 });
    const one = await failure(prepare(single));
    expect(one.code).toBe('too-few-classes');
    expect(one.message).toMatch(new RegExp(`^${single}: has a single class folder \\(digit-4\\)`));

    const flat = tempRoot();
    writeFileSync(path.join(flat, 'a.png'), await encodeGray(digitPixels(mnist.train, 0), 28, 28, 'png'));
    expect((await failure(prepare(flat))).message).toMatch(/has no class folders/);
    expect((await failure(prepare(path.join(flat, 'missing')))).code).toBe('not-found');
  });

  it('a test folder must have the same classes as the training folder', async () => {
    const train = tempRoot();
    const test = tempRoot();
    await writeDigitFolder(train, { digits: [1, 2], perClass: 3 });
    await writeDigitFolder(test, { digits: [1, 3], perClass: 2, split: 'test' });
    const err = await failure(prepare(train, { test }));
    expect(err.code).toBe('class-mismatch');
    expect(err.message).toMatch(/digit-1, digit-3.*digit-1, digit-2/);
  });
});

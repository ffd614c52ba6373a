/**
 * Image-folder data: how fast images are decoded and resized, and that a training worker's
 * peak memory does not grow with the dataset.
 *
 *   npx tsx bench/data.ts [--counts 10000,80000] [--decode-images 400] [--no-memory-compare] [--only decode|rss]
 *
 * 1. decode + resize, images/s: liteship's decoder (ml/data/image-decode.ts, sharp/libvips) on
 *    320x240 RGB JPEG photos -> 96x96x3 and on 28x28 gray PNGs -> 28x28x1, four images in flight
 *    as prepareData runs it and one at a time; and, for the choice of library, tfjs-node's own
 *    decoders (tf.node.decodeImage + tf.image.resizeBilinear) on the same files.
 * 2. peak RSS: for each count, synthetic 32x32x3 images are written as dataset shards (one child
 *    process), then another child trains one epoch on them with ml/train.ts and evaluates, streaming
 *    the shards (what the training activity does); with the memory comparison, a third child loads
 *    the split whole first (what liteship did before shards). The same for one epoch of pruning
 *    (what the prune activity does, and did before it streamed). Each child's peak RSS is its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Tensor3D } from '@tensorflow/tfjs-node';
import sharp from 'sharp';
import { decodeImage, type ImageTarget } from '../ml/data/image-decode';
import { createRng } from '../ml/data/shuffle';

const ROOT = path.resolve(__dirname, '..');

function child(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/data-worker.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`data-worker ${args.join(' ')} failed (${code}):\n${err.slice(-2000)}`));
      else resolve(JSON.parse(line.slice(7)) as Record<string, unknown>);
    });
  });
}

/** Photo-like JPEGs: smooth seeded colour fields plus noise (noise-free images decode unrealistically fast). */
async function photos(n: number): Promise<Buffer[]> {
  const [w, h] = [320, 240];
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const rng = createRng(i + 7);
    const raw = Buffer.alloc(w * h * 3);
    const [a, b, c] = [rng() * 255, rng() * 255, rng() * 255];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        raw[o] = (a + x * 0.5 + rng() * 30) & 255;
        raw[o + 1] = (b + y * 0.7 + rng() * 30) & 255;
        raw[o + 2] = (c + (x + y) * 0.3 + rng() * 30) & 255;
      }
    }
    out.push(await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 85 }).toBuffer());
  }
  return out;
}

async function digits(n: number): Promise<Buffer[]> {
  const { loadMnist } = await import('../ml/data/mnist');
  const { train } = loadMnist();
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await sharp(Buffer.from(train.images.subarray(i * 784, (i + 1) * 784)), { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toBuffer());
  }
  return out;
}

async function sharpRate(files: Buffer[], target: ImageTarget, inFlight: number): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const i = next++;
      await decodeImage(files[i]!, `image-${i}`, target);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return files.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function tfjsNodeRate(files: Buffer[], target: ImageTarget): Promise<number> {
  const tf = await import('@tensorflow/tfjs-node');
  const started = process.hrtime.bigint();
  for (const f of files) {
    tf.tidy(() => {
      const img = tf.node.decodeImage(f, target.channels) as Tensor3D;
      tf.image.resizeBilinear(img, [target.height, target.width]).toInt().dataSync();
    });
  }
  return files.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function decodeBench(n: number): Promise<void> {
  const sets: Array<[string, Buffer[], ImageTarget]> = [
    ['320x240 RGB JPEG -> 96x96x3', await photos(n), { height: 96, width: 96, channels: 3 }],
    ['28x28 gray PNG -> 28x28x1', await digits(n * 4), { height: 28, width: 28, channels: 1 }],
  ];
  console.log(`decode + resize (${os.cpus().length} CPUs; images/s, higher is better)\n`);
  console.log('| images | sharp, 4 in flight (liteship) | sharp, 1 at a time | tfjs-node decodeImage + resizeBilinear |');
  console.log('|---|---:|---:|---:|');
  for (const [name, files, target] of sets) {
    await sharpRate(files.slice(0, 20), target, 4); // warm-up
    const four = await sharpRate(files, target, 4);
    const one = await sharpRate(files, target, 1);
    const tfn = await tfjsNodeRate(files, target);
    console.log(`| ${files.length} x ${name} | ${four.toFixed(0)} | ${one.toFixed(0)} | ${tfn.toFixed(0)} |`);
  }
  console.log('');
}

async function rssBench(counts: number[], compare: boolean): Promise<void> {
  const rows: string[] = [];
  for (const count of counts) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `liteship-data-bench-${count}-`));
    try {
      const prepared = await child(['prepare', '--dir', dir, '--count', String(count)]);
      const stream = await child(['train', '--dir', dir, '--source', 'stream']);
      const memory = compare ? await child(['train', '--dir', dir, '--source', 'memory']) : undefined;
      const pruned = await child(['prune', '--dir', dir, '--source', 'stream']);
      const prunedWhole = compare ? await child(['prune', '--dir', dir, '--source', 'memory']) : undefined;
      const mb = (count * 32 * 32 * 3) / 1e6;
      const rss = (r: Record<string, unknown> | undefined) => (r ? `${Number(r.peakRssMb).toFixed(0)} MB` : '-');
      rows.push(
        `| ${count.toLocaleString('en')} | ${mb.toFixed(0)} MB | ${String(prepared.shards)} | ${rss(prepared)} | ` +
          `${rss(stream)} | ${rss(memory)} | ${rss(pruned)} | ${rss(prunedWhole)} | ` +
          `${Number(stream.seconds).toFixed(1)} s, test acc ${Number(stream.testAccuracy).toFixed(3)}, ${String(stream.backend)} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('peak RSS of one training epoch (+ evaluation) and of one pruning epoch, MLP, batch 128, 32x32x3 images\n');
  console.log('| train images | pixels | shards | prepare peak RSS | train, streaming shards | train, split loaded whole | prune, streaming shards | prune, split loaded whole | training epoch |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      counts: { type: 'string', default: '10000,80000' },
      'decode-images': { type: 'string', default: '400' },
      'no-memory-compare': { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  if (values.only !== 'rss') await decodeBench(Number(values['decode-images']));
  if (values.only !== 'decode') await rssBench(values.counts.split(',').map(Number), !values['no-memory-compare']);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

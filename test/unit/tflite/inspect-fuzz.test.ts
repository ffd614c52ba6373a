// `liteship inspect` on random and mutated files: every file either reads or is refused with one
// typed line (exit 3), never a hang, an "unexpected error" or a stack trace, and memory stays bounded.
// Seeded, so a failure names the case that reproduces it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { main } from '../../../client/main';
import { createRng } from '../../../ml/data/shuffle';
import { convert } from '../../../tflite';

const CASES = 300;
const TF_FIXTURE = path.join(__dirname, '../../fixtures/tflite/tf-small-cnn.tflite');

jest.setTimeout(120_000);

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);

/** One mutation of a valid file: the kinds of damage a truncated download or a hostile file has. */
function mutate(base: Uint8Array, rng: Rng): Uint8Array {
  const out = base.slice();
  const view = new DataView(out.buffer);
  switch (int(rng, 5)) {
    case 0: // flip a few bytes
      for (let i = 0, n = 1 + int(rng, 8); i < n; i++) out[int(rng, out.length)] = int(rng, 256);
      return out;
    case 1: // truncate
      return out.slice(0, int(rng, out.length));
    case 2: // a huge or negative offset/length where a flatbuffer reads one
      for (let i = 0, n = 1 + int(rng, 4); i < n; i++) {
        const at = int(rng, out.length - 4) & ~3;
        view.setUint32(at, [0xffffffff, 0x7fffffff, 0x80000000, out.length, int(rng, 2 ** 32)][int(rng, 5)]!, true);
      }
      return out;
    case 3: { // duplicate a region over another (self-referencing tables, loops)
      const from = int(rng, out.length);
      const to = int(rng, out.length);
      out.copyWithin(to, from, from + 1 + int(rng, 64));
      return out;
    }
    default: // random bytes behind a valid header
      for (let i = 8; i < out.length; i++) if (rng() < 0.05) out[i] = int(rng, 256);
      return out;
  }
}

function randomFile(rng: Rng): Uint8Array {
  const bytes = new Uint8Array(int(rng, 4096));
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(rng, 256);
  if (bytes.length >= 8 && rng() < 0.5) bytes.set([0x54, 0x46, 0x4c, 0x33], 4); // "TFL3": get past the identifier check
  return bytes;
}

let dir: string;
let bases: Uint8Array[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liteship-fuzz-'));
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 4, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  bases = [new Uint8Array(await readFile(TF_FIXTURE)), convert(model, { description: 'fuzz base' })];
  model.dispose();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test(`${CASES} random and mutated files: read, or one typed line; no hang, no stack, bounded memory`, async () => {
  const rng = createRng(20261130);
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const outcomes = { read: 0, refused: 0 };
  for (let i = 0; i < CASES; i++) {
    const bytes = i % 3 === 0 ? randomFile(rng) : mutate(bases[i % 2]!, rng);
    const file = path.join(dir, `case-${i}.tflite`);
    await writeFile(file, bytes);
    let stdout = '';
    let stderr = '';
    const started = Date.now();
    const code = await main(['inspect', file, ...(i % 2 ? ['--json'] : [])], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    const ms = Date.now() - started;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const label = `case ${i} (${bytes.length} bytes): code ${code}, ${ms} ms, stderr ${JSON.stringify(stderr.slice(0, 300))}`;
    expect({ label, ok: code === 0 || code === 3 }).toEqual({ label, ok: true });
    expect({ label, slow: ms > 5_000 }).toEqual({ label, slow: false });
    if (code === 0) {
      outcomes.read++;
      expect(stdout.length).toBeGreaterThan(0);
    } else {
      outcomes.refused++;
      // One line naming the file, no stack frames, no "unexpected error".
      expect({ label, line: /^liteship inspect: [^\n]+\n$/.test(stderr) }).toEqual({ label, line: true });
    }
  }
  // Both paths were exercised: the mutations are not all fatal, nor all harmless.
  expect(outcomes.read).toBeGreaterThan(10);
  expect(outcomes.refused).toBeGreaterThan(100);
  // The largest input is a few KB: a reader that allocates by a declared size would show here.
  expect((peakRss - rssBefore) / 2 ** 20).toBeLessThan(256);
});

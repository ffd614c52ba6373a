// Bench-only: accuracy outputs and batch-1 latency of .tflite files in @litertjs/core
// (LiteRT.js, WebAssembly), in a child `node` process for the same reasons as
// tflite/runtimes/litert-runner.mjs (ESM-only, global shims). That runner returns
// outputs only; this one also times each run, and reads the test images from a file
// instead of JSON (10,000 images per model would be ~40 MB of base64 per job).
//
// stdin: { images: path of raw float32 images back to back, count, files: [{ id, path, shape,
//          input: { type: 'FLOAT32' | 'INT8', scale, zeroPoint } }],
//          groups: [[id, ...]], latency: { runs, block, warmup, subset } }
// stdout: { results: { [id]: { outputs?: base64 float32 (count x classes), error?: string,
//           latencyUs?: number[] } } }
// Latency: the files of one group (e.g. TF's and liteship's file of one variant) are timed
// in alternating blocks (A B B A ...), each block after `warmup` untimed runs, so machine
// load drifts hit both alike; every block compiles the model afresh, so no single
// instance's memory placement decides the comparison. One run = make the input Tensor,
// run(), read the output, free both: the same round trip the accuracy pass makes.
import { readFileSync } from 'node:fs';
import { loadLiteRtInNode, readJsonStdin } from '../tflite/runtimes/litert-node.mjs';

const request = await readJsonStdin();
const { loadAndCompile, Tensor, reply } = await loadLiteRtInNode();
const raw = readFileSync(request.images);
const images = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const pixels = images.length / request.count;

/** The typed array the model's input takes: float32 as is, int8 quantized with its scale and zero point. */
function inputData(file, index) {
  const x = images.subarray(index * pixels, (index + 1) * pixels);
  if (file.input.type !== 'INT8') return x;
  const q = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) q[i] = Math.max(-128, Math.min(127, Math.round(x[i] / file.input.scale) + file.input.zeroPoint));
  return q;
}

async function runOnce(model, file, index) {
  const input = new Tensor(inputData(file, index), file.shape);
  try {
    const [output, ...rest] = await model.run([input]);
    const data = Float32Array.from(output.toTypedArray());
    output.delete();
    for (const t of rest) t.delete();
    return data;
  } finally {
    input.delete();
  }
}

const results = {};
const models = new Map(); // id -> file, for the ones that compiled and ran
for (const file of request.files) {
  let model;
  try {
    model = await loadAndCompile(new Uint8Array(readFileSync(file.path)), { accelerator: 'wasm' });
    const first = await runOnce(model, file, 0);
    const outputs = new Float32Array(request.count * first.length);
    outputs.set(first, 0);
    for (let i = 1; i < request.count; i++) outputs.set(await runOnce(model, file, i), i * first.length);
    results[file.id] = { outputs: Buffer.from(outputs.buffer).toString('base64') };
    models.set(file.id, file);
  } catch (error) {
    results[file.id] = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    model?.delete();
  }
}

const { runs, block, warmup, subset } = request.latency;
for (const group of request.groups) {
  const members = group.filter((id) => models.has(id));
  const samples = new Map(members.map((id) => [id, []]));
  for (let round = 0; round * block < runs; round++) {
    const order = round % 2 === 0 ? members : [...members].reverse();
    for (const id of order) {
      const file = models.get(id);
      const model = await loadAndCompile(new Uint8Array(readFileSync(file.path)), { accelerator: 'wasm' });
      for (let i = 0; i < warmup; i++) await runOnce(model, file, i % subset);
      const n = Math.min(block, runs - round * block);
      for (let i = 0; i < n; i++) {
        const index = (round * block + i) % subset;
        const start = process.hrtime.bigint();
        await runOnce(model, file, index);
        samples.get(id).push(Number(process.hrtime.bigint() - start) / 1e3);
      }
      model.delete();
    }
  }
  for (const id of members) results[id].latencyUs = samples.get(id);
}
reply(JSON.stringify({ results }));

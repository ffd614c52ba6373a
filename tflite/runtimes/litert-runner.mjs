// Runs .tflite files in @litertjs/core (LiteRT.js, WebAssembly) inside Node 20.
// LiteRT.js is ESM-only and browser-oriented, so it runs in its own `node` process:
// the parent (tflite/runtimes/litert.ts) writes one JSON request on stdin and reads one
// JSON reply on stdout.
//   request: { jobs: [{ model: base64, runs: [[{ data: base64 float32, shape: [..] }, ...per input], ...] }] }
//   reply:   { results: [{ runs: [[{ data: base64 float32, shape }, ...per output], ...] } | { error: string }] }
// A job compiles its model once and runs it on every input set.
import { loadLiteRtInNode, readJsonStdin } from './litert-node.mjs';

const toFloat32 = (base64) => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const toBase64 = (typed) => Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString('base64');

async function runOnce(model, inputs) {
  const tensors = inputs.map((input) => new Tensor(toFloat32(input.data), input.shape));
  try {
    const outputs = await model.run(tensors);
    return outputs.map((tensor) => {
      const data = Float32Array.from(tensor.toTypedArray());
      const shape = Array.from(tensor.type.layout.dimensions);
      tensor.delete();
      return { data: toBase64(data), shape };
    });
  } finally {
    for (const tensor of tensors) tensor.delete();
  }
}

async function runJob(job) {
  const model = await loadAndCompile(new Uint8Array(Buffer.from(job.model, 'base64')), { accelerator: 'wasm' });
  try {
    const runs = [];
    for (const inputs of job.runs) runs.push(await runOnce(model, inputs));
    return { runs };
  } finally {
    model.delete();
  }
}

const request = await readJsonStdin();
const { loadAndCompile, Tensor, reply } = await loadLiteRtInNode();
const results = [];
for (const job of request.jobs) {
  try {
    results.push(await runJob(job));
  } catch (error) {
    results.push({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}
reply(JSON.stringify({ results }));

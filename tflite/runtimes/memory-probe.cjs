// Loads one .tflite into tfjs-tflite-node's interpreter in a fresh process, runs it, and prints
// (JSON on stdout) how far the resident set grew over the process before the model was read:
// model bytes, interpreter, tensor arena, delegate buffers: what the model costs an app in RAM.
//   usage: node memory-probe.cjs <file.tflite> <runs>
'use strict';
const { readFileSync } = require('node:fs');
const { TFLiteNodeModelRunner } = require('tfjs-tflite-node');

const [file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 20);
const rss = () => process.memoryUsage.rss();

const before = rss();
let peak = before;
const bytes = readFileSync(file);
const model = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const runner = new TFLiteNodeModelRunner(model, { threads: 1 });
peak = Math.max(peak, rss());
for (const input of runner.getInputs()) input.data().fill(0);
for (let i = 0; i < runs; i++) {
  runner.infer();
  peak = Math.max(peak, rss());
}
process.stdout.write(
  JSON.stringify({ peakRssIncreaseBytes: peak - before, peakRssBytes: Math.max(peak, process.resourceUsage().maxRSS * 1024) }),
);

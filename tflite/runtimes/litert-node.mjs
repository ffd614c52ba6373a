// Loads @litertjs/core (LiteRT.js, WebAssembly) in a plain Node process. LiteRT.js is
// ESM-only and browser-oriented: its Emscripten glue expects a worker-like global scope,
// and it logs to stdout (e.g. "Failed to create default WebGPU device"). Shared by the
// runtime's child process (litert-runner.mjs) and the benchmarks.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';

/**
 * Installs the shims, moves console output to stderr (stdout stays for the caller's reply),
 * loads the WebAssembly module and returns the API plus `reply`, the real stdout writer.
 */
export async function loadLiteRtInNode() {
  const require = createRequire(import.meta.url);
  const wasmDir = join(dirname(require.resolve('@litertjs/core/package.json')), 'wasm');
  globalThis.self = globalThis;
  globalThis.require = require;
  globalThis.__dirname = wasmDir;
  globalThis.__filename = join(wasmDir, 'litert_wasm_internal.js');
  globalThis.importScripts = (url) => runInThisContext(readFileSync(String(url).replace(/^file:\/\//, ''), 'utf8'), { filename: String(url) });

  const reply = process.stdout.write.bind(process.stdout);
  console.log = (...args) => process.stderr.write(args.join(' ') + '\n');
  console.info = console.log;
  console.warn = console.log;

  const { loadLiteRt, loadAndCompile, Tensor } = await import('@litertjs/core');
  await loadLiteRt(wasmDir + '/');
  return { loadAndCompile, Tensor, reply };
}

/** Reads the whole of stdin as one JSON value. */
export async function readJsonStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// Runs .tflite files in @litertjs/core 2.5.3 (LiteRT.js, a much newer runtime than
// tfjs-tflite-node's TFLite 2.9) through a child `node` process running litert-runner.mjs.
// A child process because LiteRT.js is ESM-only and needs global shims that must not
// leak into the caller (Jest runs CommonJS). Many models go in one call: the Wasm module
// loads once per call.
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';

export const LITERT_JS = { name: '@litertjs/core', version: '2.5.3' } as const;

export type LiteRtInputs = ReadonlyArray<{ data: Float32Array; shape: readonly number[] }>;
export type LiteRtOutputs = Array<{ data: Float32Array; shape: number[] }>;

/** One model, compiled once, run on each input set (one array entry per model input). */
export interface LiteRtJob {
  model: Uint8Array;
  runs: readonly LiteRtInputs[];
}

/** Outputs per run, in the order of `runs`; a job that fails in the runtime is { ok: false }. */
export type LiteRtResult = { ok: true; runs: LiteRtOutputs[] } | { ok: false; error: string };

interface RunnerReply {
  results: Array<{ runs?: Array<Array<{ data: string; shape: number[] }>>; error?: string }>;
}

const RUNNER = join(__dirname, 'litert-runner.mjs');

const base64 = (bytes: Uint8Array | Float32Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function float32FromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Runs every job in LiteRT.js; a job that fails in the runtime comes back as { ok: false }. */
export function runInLiteRt(jobs: readonly LiteRtJob[], timeoutMs = 120_000): Promise<LiteRtResult[]> {
  const request = JSON.stringify({
    jobs: jobs.map((job) => ({
      model: base64(job.model),
      runs: job.runs.map((inputs) => inputs.map((i) => ({ data: base64(i.data), shape: [...i.shape] }))),
    })),
  });
  return runJsonChild(RUNNER, request, timeoutMs).then((text) => {
    const reply = JSON.parse(text) as RunnerReply;
    return reply.results.map((r): LiteRtResult => r.runs === undefined
      ? { ok: false, error: r.error ?? 'unknown error' }
      : { ok: true, runs: r.runs.map((outputs) => outputs.map((o) => ({ data: float32FromBase64(o.data), shape: o.shape }))) });
  });
}

/**
 * Runs `script` in a child `node`, writes `request` to its stdin and resolves with its stdout.
 * Rejects with the tail of its stderr when it fails, or when it does not answer in time.
 */
export function runJsonChild(script: string, request: string, timeoutMs: number, args: readonly string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${basename(script)} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(stdout).toString('utf8');
      if (code !== 0 || text === '') reject(new Error(`${basename(script)} exited with code ${code}: ${Buffer.concat(stderr).toString('utf8').slice(-2000)}`));
      else resolve(text);
    });
    child.stdin.end(request);
  });
}

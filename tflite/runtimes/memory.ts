// The memory a .tflite needs to load and run, measured in a child process (so the parent's own
// heap, other models and the test data do not count): peak RSS increase of tfjs-tflite-node.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runJsonChild } from './litert';

export interface ModelMemory {
  peakRssIncreaseBytes: number;
  peakRssBytes: number;
}

const PROBE = path.join(__dirname, 'memory-probe.cjs');

export async function measureModelMemory(bytes: Uint8Array, runs = 20, timeoutMs = 60_000): Promise<ModelMemory> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'liteship-memory-'));
  try {
    const file = path.join(dir, 'model.tflite');
    await writeFile(file, bytes);
    const reply = JSON.parse(await runJsonChild(PROBE, '', timeoutMs, [file, String(runs)])) as ModelMemory;
    if (!(reply.peakRssIncreaseBytes >= 0) || !(reply.peakRssBytes > 0)) throw new Error(`memory probe answered ${JSON.stringify(reply)}`);
    return reply;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

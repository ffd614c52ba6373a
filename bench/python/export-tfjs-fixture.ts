// Writes what the Python reference (tf_reference.py) consumes, for the MNIST
// MLP or CNN trained by liteship's own ml/ code (the files come from ./fixture.ts):
//   <out>/model.json + weights.bin   tfjs layers format (as model.save('file://') writes it)
//   <out>/calibration.npy            representative training images [N,28,28,1] float32
//   <out>/check_inputs.npy           a few test images
//   <out>/check_outputs.npy          tfjs's predictions on them (the Keras rebuild must match)
//   <out>/fixture.json               arch, epochs, seed, tfjs test accuracy
//
// Usage: npx tsx bench/python/export-tfjs-fixture.ts <mlp|cnn> <outDir> [--epochs 2] [--calibration 300] [--seed 1]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, evaluateModel, loadMnist, MNIST_NUM_CLASSES, trainModel } from '../../ml';
import type { Architecture } from '../../ml';
import { describeBackend, initTrainingBackend } from '../../ml/backend';
import { writeFixture } from './fixture';

function parseArgs(argv: string[]): { arch: Architecture; out: string; epochs: number; calibration: number; seed: number } {
  const [arch, out, ...rest] = argv;
  if ((arch !== 'mlp' && arch !== 'cnn') || out === undefined) {
    throw new Error('usage: npx tsx bench/python/export-tfjs-fixture.ts <mlp|cnn> <outDir> [--epochs 2] [--calibration 300] [--seed 1]');
  }
  const opt = (name: string, dflt: number): number => {
    const i = rest.indexOf(`--${name}`);
    const v = i >= 0 ? Number(rest[i + 1]) : dflt;
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer, got ${rest[i + 1]}`);
    return v;
  };
  return { arch, out, epochs: opt('epochs', 2), calibration: opt('calibration', 300), seed: opt('seed', 1) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`backend: ${describeBackend(await initTrainingBackend('auto'))}`);
  mkdirSync(args.out, { recursive: true });
  const data = loadMnist();
  const model = createModel(args.arch, { inputShape: data.train.imageShape, numClasses: MNIST_NUM_CLASSES, seed: args.seed });
  await trainModel(model, data.train, { epochs: args.epochs, batchSize: 128, seed: args.seed }, {
    onEpochEnd: (e) => console.log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)} acc ${e.accuracy.toFixed(4)} (${e.durationMs} ms)`),
  });
  const score = await evaluateModel(model, data.test);
  console.log(`tfjs test accuracy: ${score.accuracy}`);
  const { calibrationSamples } = await writeFixture(model, data, args.out, { calibration: args.calibration, seed: args.seed });
  writeFileSync(
    join(args.out, 'fixture.json'),
    JSON.stringify({ arch: args.arch, epochs: args.epochs, seed: args.seed, calibrationSamples, tfjsTestAccuracy: score.accuracy }, null, 2),
  );
  console.log(`wrote ${args.out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

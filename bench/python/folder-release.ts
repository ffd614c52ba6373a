/**
 * Makes a small image-folder release on the local stack and writes its model.tflite, for
 * check_folder_release.sh: 3 classes named bird, cat and dog (PNG files rendered from MNIST digits
 * 7, 0 and 1, 100 each), the `cnn` for 1 epoch. Prints the .tflite's path on stdout; the CLI's own
 * output goes to stderr. The folder's bytes are fixed, so a rerun ends "unchanged" and pulls the
 * release it matches.
 *
 *   npx tsx bench/python/folder-release.ts [out.tflite]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../client/main';
import { ExitCode } from '../../client/exit-codes';
import { writeDigitFolder } from '../../test/support/image-folders';

async function cli(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => process.stderr.write(s) });
  return { code, stdout };
}

async function run(): Promise<void> {
  const dir = path.join(os.tmpdir(), 'liteship-folder-release');
  const out = path.resolve(process.argv[2] ?? path.join(dir, 'pets.tflite'));
  const photos = path.join(dir, 'photos');
  mkdirSync(dir, { recursive: true });
  await writeDigitFolder(photos, { digits: [7, 0, 1], perClass: 100, names: { 7: 'bird', 0: 'cat', 1: 'dog' } });
  const spec = path.join(dir, 'pets.json');
  writeFileSync(spec, JSON.stringify({
    model: 'pets-folder',
    description: 'bird, cat and dog photos (MNIST digits in disguise)',
    architecture: 'cnn',
    data: { source: 'folder', train: './photos', imageSize: [28, 28], channels: 1, validationSplit: 0.1 },
    training: { epochs: 1, batchSize: 32, seed: 7 },
    variants: ['float32', 'dynamic-int8'],
    benchmark: { runs: 200, warmupRuns: 5, maxAccuracyGapPoints: 5 },
  }, null, 2));
  const released = await cli(['run', spec, '--json']);
  if (released.code !== 0 && released.code !== ExitCode.unchanged) throw new Error(`liteship run ${spec} failed with exit code ${released.code}`);
  const { result } = JSON.parse(released.stdout) as { result: { model: string; version: string } };
  const pulled = await cli(['pull', result.model, result.version, '-o', out]);
  if (pulled.code !== 0) throw new Error(`liteship pull ${result.model} ${result.version} failed with exit code ${pulled.code}`);
  process.stderr.write(`folder release ${result.model} ${result.version} -> ${out}\n`);
  process.stdout.write(`${out}\n`);
}

run().then(
  () => process.exit(0), // the CLI's Temporal connection may keep the loop alive a moment
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

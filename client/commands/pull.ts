/** `liteship pull <model> <version> -o <file>`: download a release's .tflite, checked against its manifest. */
import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { modelNameArg, parseArgs, usageError, versionArg } from '../args';
import type { CommandIO } from '../io';
import { fetchReleaseFile, resolveVersion } from '../release-catalog';
import { openStorage } from '../storage';

const USAGE = `liteship pull <model> <version|channel> -o <file.tflite> [--file model.tflite|metrics.json]
Downloads one file of a published release (a version such as v3, or a channel such as latest or
stable) and checks it against the release's manifest (sha256 and size) before writing it; a file
that does not match is refused.

Options:
  -o, --output <file>   where to write the file (written beside it, then renamed into place)
  --file <name>         which file of the release: model.tflite (default), metrics.json, ...`;

export async function pullCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { string: ['output', 'file'], aliases: { o: 'output' } }, USAGE);
  const [model, wanted, ...extra] = args.positionals;
  const output = args.flags.output;
  if (!model || !wanted) throw usageError('expected a model name and a version or channel', USAGE);
  if (extra.length > 0) throw usageError(`unexpected argument ${extra[0]}`, USAGE);
  if (typeof output !== 'string') throw usageError('-o <file> is required: where to write the file', USAGE);
  modelNameArg(model, USAGE);
  versionArg(wanted, USAGE);
  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const { version, channel } = await resolveVersion(store, model, wanted);
  const file = typeof args.flags.file === 'string' ? args.flags.file : 'model.tflite';
  const { bytes, sha256 } = await fetchReleaseFile(store, model, version, file);
  // Write beside the target, then rename: an interrupted pull never leaves a truncated model behind.
  const target = path.resolve(output);
  const partial = `${target}.partial-${process.pid}`;
  await writeFile(partial, bytes);
  await rename(partial, target);
  io.stdout(`${model} ${version}${channel ? ` (${channel})` : ''} ${file} -> ${target} (${bytes.byteLength} bytes, sha256 ${sha256})\n`);
  return 0;
}

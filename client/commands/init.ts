/**
 * `liteship init <name> --data <folder>`: look at a folder of images (one subfolder per class)
 * and write a starting spec for it, so photos become a first release with `liteship run`.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { validateSpec } from '../../contracts';
import { checkedClasses, imageDimensions, listLocalFolder, classFoldersOf, type FolderReader } from '../../ml';
import { modelNameArg, parseArgs, usageError } from '../args';
import { suggest, type ImageSizeSample } from '../init-suggest';
import { UsageError, type CommandIO } from '../io';
import { resolveDataPaths } from '../spec-file';

const USAGE = `liteship init <name> --data <folder> [-o <spec.json>] [--force]
Writes a starting spec for a folder of images with one subfolder per class (JPEG or PNG): the
classes found, an image size suggested from the images' headers, grayscale or RGB, and an
architecture that fits (mobilenet-v2 at alpha 0.35 for photos of 96 px or more a side, else the
small cnn at the images' own size),
with 10% of the images held out for testing. Edit it, then \`liteship run <spec.json>\`.

Options:
  --data <folder>       the images: <folder>/<class>/<image>.jpg|png (a local folder)
  -o, --output <file>   where to write the spec (default: <name>.json)
  --force               overwrite an existing file

Example:
  liteship init flowers --data ./photos && liteship run flowers.json`;
/** Image headers read to suggest a size: spread over the classes, enough for a stable median. */
const SAMPLE = 200;

const localReader: FolderReader = {
  listClasses: async (root) => classFoldersOf(await listLocalFolder(root)),
  read: async (root, relative) => new Uint8Array(await readFile(path.join(root, relative))),
  describe: (root, relative) => path.join(root, relative),
};

export async function initCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { string: ['data', 'output'], boolean: ['force'], aliases: { o: 'output' } }, USAGE);
  const [name, ...extra] = args.positionals;
  const data = args.flags.data;
  if (!name || extra.length > 0 || typeof data !== 'string') throw usageError('expected a model name and --data <folder>', USAGE);
  modelNameArg(name, USAGE);
  if (data.startsWith('s3://')) throw new UsageError(`init reads a local folder; copy a sample of ${data} locally, or write the spec by hand (see README "Your own images")`);
  const root = path.resolve(data);
  const output = path.resolve(typeof args.flags.output === 'string' ? args.flags.output : `${name}.json`);
  if (existsSync(output) && args.flags.force !== true) throw new UsageError(`${output} already exists: pass --force to overwrite it, or -o another file`);

  const classes = await checkedClasses(localReader, root);
  const all = classes.flatMap((c) => c.files);
  const step = Math.max(1, Math.floor(all.length / SAMPLE));
  const samples: ImageSizeSample[] = [];
  for (let i = 0; i < all.length && samples.length < SAMPLE; i += step) {
    const file = all[i]!;
    samples.push(await imageDimensions(await localReader.read(root, file), path.join(root, file)));
  }
  const s = suggest(samples);
  const relative = path.relative(path.dirname(output), root) || '.';
  const spec = {
    model: name,
    description: `Image classifier for ${classes.length} classes (${classes.map((c) => c.name).join(', ')})`,
    architecture: s.architecture,
    data: {
      source: 'folder',
      train: relative.startsWith('.') ? relative : `./${relative}`,
      validationSplit: 0.1,
      imageSize: s.imageSize,
      channels: s.channels,
      onBadImage: 'fail',
      ...(s.augment ? { augment: s.augment } : {}),
    },
    training: { epochs: 10, batchSize: 32 },
  };
  // Checked exactly as `liteship run` will read it (paths resolved against the spec's folder).
  validateSpec(resolveDataPaths(spec, path.dirname(output)), output);
  await writeFile(output, `${JSON.stringify(spec, null, 2)}\n`, { flag: args.flags.force === true ? 'w' : 'wx' });

  const width = Math.max(...classes.map((c) => c.name.length));
  io.stdout(`${root}: ${all.length} images in ${classes.length} classes\n`);
  for (const c of classes) io.stdout(`  ${c.name.padEnd(width)}  ${c.files.length}\n`);
  io.stdout(`${s.why}; ${s.channels === 1 ? 'grayscale' : 'RGB'} (from ${samples.length} image headers)\n`);
  const shown = path.relative(process.cwd(), output);
  io.stdout(`wrote ${output}\nnext: liteship run ${shown.startsWith('..') ? output : shown}\n`);
  return 0;
}

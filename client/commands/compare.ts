/** `liteship compare <model> <a> <b> [--json]`: what changed from release a to release b, budget crossings flagged. */
import { diffReleases, formatDiff } from '../../report';
import { modelNameArg, parseArgs, usageError } from '../args';
import type { CommandIO } from '../io';
import { requireRelease } from '../release-lookup';
import { openStorage } from '../storage';

const USAGE = `liteship compare <model> <a> <b> [--json]
What changed from release a to release b (versions or channel names, e.g. stable v7): accuracy,
per-class accuracy, size and latency per variant, with the changes that cross b's budgets marked.

Options:
  --json   the same rows as JSON`;

export async function compareCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [model, a, b, ...extra] = args.positionals;
  if (!model || !a || !b || extra.length > 0) throw usageError('expected a model and two versions or channels', USAGE);
  modelNameArg(model, USAGE);
  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const [from, to] = await Promise.all([requireRelease(store, model, a), requireRelease(store, model, b)]);
  const diff = diffReleases(from, to);
  if (args.flags.json === true) {
    io.stdout(`${JSON.stringify(diff, null, 2)}\n`);
    return 0;
  }
  // Channel names resolve to versions: say which, so the table's version columns read right.
  const resolved = [
    { asked: a, version: from.manifest.version },
    { asked: b, version: to.manifest.version },
  ].filter(({ asked, version }) => asked !== version);
  if (resolved.length) io.stdout(`(${resolved.map(({ asked, version }) => `${asked} is ${version}`).join(', ')})\n`);
  io.stdout(formatDiff(diff));
  return 0;
}

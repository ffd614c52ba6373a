/** `liteship releases <model>`: the published versions of a model, oldest first. */
import { architectureLabel } from '../../contracts';
import { ChannelStore } from '../../infra/channel-store';
import { modelNameArg, parseArgs, usageError } from '../args';
import { openStorage } from '../storage';
import type { CommandIO } from '../io';
import { describeUnreleased, listReleases, listUnreleasedVersions } from '../release-catalog';
import { formatBytes } from '../summary';

const USAGE = `liteship releases <model> [--json]
Lists the published releases of a model, oldest first: accuracy, size, latency, variant, data and code.

Options:
  --json   one JSON array with each release's summary and location`;

export async function releasesCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [model, ...extra] = args.positionals;
  if (!model || extra.length > 0) throw usageError('expected one model name', USAGE);
  modelNameArg(model, USAGE);
  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const [releases, unreleased, channels] = await Promise.all([listReleases(store, model), listUnreleasedVersions(store, model), new ChannelStore(store).list(model)]);
  const channelsOf = (version: string) => channels.filter((c) => c.version === version).map((c) => c.channel);
  // Version numbers taken without a release are said plainly, so a gap in the numbers is never a mystery.
  const unreleasedNote = unreleased.length ? `not released:\n${unreleased.map((u) => `  ${describeUnreleased(u)}`).join('\n')}\n` : '';
  if (args.flags.json) {
    if (unreleasedNote) io.stderr(unreleasedNote);
    io.stdout(`${JSON.stringify(releases.map((m) => ({ version: m.version, createdAt: m.createdAt, chosenVariant: m.chosenVariant, channels: channelsOf(m.version), summary: m.summary, uri: store.uriFor(`${model}/${m.version}/`) })), null, 2)}\n`);
    return 0;
  }
  if (releases.length === 0) {
    io.stdout(`${model} has no releases in s3://${store.bucket}/\n${unreleasedNote}`);
    return 0;
  }
  const rows = releases.map((m) => [
    m.version,
    m.createdAt.replace('T', ' ').replace(/\..*/, ''),
    `${(m.summary.tfliteAccuracy * 100).toFixed(2)}%`,
    formatBytes(m.summary.tfliteBytes),
    `${m.summary.latencyP50Ms.toFixed(3)} ms`,
    architectureLabel(m.spec.architecture),
    m.chosenVariant ?? 'float32',
    m.dataset.fingerprint.slice(0, 12),
    m.pipeline.gitCommit.slice(0, 12),
    channelsOf(m.version).join(','),
  ]);
  const header = ['version', 'created (UTC)', 'accuracy', 'size', 'p50', 'arch', 'variant', 'data sha256', 'commit', 'channels'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  io.stdout(`${[line(header), ...rows.map(line)].join('\n')}\n${unreleasedNote}`);
  return 0;
}

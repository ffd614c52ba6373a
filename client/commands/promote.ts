/** `liteship promote <model> <version> --to <channel>`: point a channel at a released version. */
import { LATEST_CHANNEL } from '../../contracts';
import { ChannelStore, checkChannelName } from '../../infra/channel-store';
import { modelNameArg, parseArgs, usageError, versionArg } from '../args';
import { whoAmI } from '../channel-view';
import { UsageError, type CommandIO } from '../io';
import { openStorage } from '../storage';

const USAGE = `liteship promote <model> <version> --to <channel> [--reason "..."] [--json]
Points a channel (stable, beta, ...: letters, digits, dashes) at a released version. The move is a
conditional write on the channel's previous state: of two promotions at once, exactly one wins and
the other fails with a conflict and changes nothing. Every move is kept in the channel's history;
no release is changed. \`latest\` cannot be promoted to: it follows each new release.

Options:
  --to <channel>    the channel to move (created by its first promotion)
  --reason "..."    why, kept in the history (default "promoted <version>")
  --json            the history entry as JSON

Examples:
  liteship promote mnist v7 --to stable --reason "beta for a week, no crash reports"
  liteship rollback mnist --channel stable   # back to the version stable held before`;

export async function promoteCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'], string: ['to', 'reason'] }, USAGE);
  const [model, version, ...extra] = args.positionals;
  const channel = args.flags.to;
  if (!model || !version || extra.length > 0 || typeof channel !== 'string') throw usageError('expected a model, a version and --to <channel>', USAGE);
  modelNameArg(model, USAGE);
  versionArg(version, USAGE);
  checkChannelName(channel);
  if (channel === LATEST_CHANNEL) {
    throw new UsageError(`"${LATEST_CHANNEL}" moves by itself to each new release and cannot be promoted to; promote to another channel (e.g. stable), or use \`liteship rollback ${model} --channel latest\``);
  }
  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const reason = typeof args.flags.reason === 'string' ? args.flags.reason : `promoted ${version}`;
  const entry = await new ChannelStore(store).move(model, channel, { version, by: whoAmI(), reason, kind: 'promote' });
  if (args.flags.json) io.stdout(`${JSON.stringify(entry, null, 2)}\n`);
  else io.stdout(`${model} ${channel} -> ${entry.version}${entry.previousVersion ? ` (was ${entry.previousVersion})` : ' (new channel)'}: ${entry.reason}\n`);
  return 0;
}

/** `liteship history <model> --channel <channel>`: every move of a channel, oldest first. */
import { ChannelStore, checkChannelName } from '../../infra/channel-store';
import { modelNameArg, parseArgs, usageError } from '../args';
import { channelTable } from '../channel-view';
import type { CommandIO } from '../io';
import { openStorage } from '../storage';

const USAGE = `liteship history <model> --channel <channel> [--json]
Every move of one channel, oldest first: the version, when, how (release, promote, rollback), by
whom and why. Each move is a write-once object in the bucket, so the history is never rewritten.

Options:
  --channel <channel>  the channel (latest, stable, ...)
  --json               the entries as JSON

Example:
  liteship history mnist --channel stable`;

export async function historyCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'], string: ['channel'] }, USAGE);
  const [model, ...extra] = args.positionals;
  const channel = args.flags.channel;
  if (!model || extra.length > 0 || typeof channel !== 'string') throw usageError('expected a model and --channel <channel>', USAGE);
  modelNameArg(model, USAGE);
  checkChannelName(channel);
  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const history = await new ChannelStore(store).history(model, channel);
  if (args.flags.json) io.stdout(`${JSON.stringify(history, null, 2)}\n`);
  else if (history.length === 0) io.stdout(`${model} has no channel ${channel}\n`);
  else io.stdout(channelTable(history, 'sequence'));
  return 0;
}

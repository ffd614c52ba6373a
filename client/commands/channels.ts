/** `liteship channels <model>`: each channel, the version it points at, when and why it moved there. */
import { ChannelStore } from '../../infra/channel-store';
import { parseArgs } from '../args';
import { channelTable } from '../channel-view';
import { UsageError, type CommandIO } from '../io';
import { openStorage } from '../storage';

const USAGE = 'liteship channels <model> [--json]';

export async function channelsCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [model, ...extra] = args.positionals;
  if (!model || extra.length > 0) throw new UsageError(`expected one model name\nusage: ${USAGE}`);
  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const channels = await new ChannelStore(store).list(model);
  if (args.flags.json) io.stdout(`${JSON.stringify(channels, null, 2)}\n`);
  else if (channels.length === 0) io.stdout(`${model} has no channels yet (latest appears with its first release)\n`);
  else io.stdout(channelTable(channels, 'channel'));
  return 0;
}

/** `liteship channels <model>`: each channel, the version it points at, when and why it moved there. */
import { ChannelStore } from '../../infra/channel-store';
import { modelNameArg, parseArgs, usageError } from '../args';
import { channelTable } from '../channel-view';
import type { CommandIO } from '../io';
import { openStorage } from '../storage';

const USAGE = `liteship channels <model> [--json]
Each channel of a model (latest, stable, beta, ...): the version it points at, when it moved there,
how (release, promote, rollback), by whom and why. \`latest\` moves to every new release by itself;
other channels move only with \`liteship promote\`, \`liteship rollback\` or a spec's promote gate.

Options:
  --json   the channel pointers as JSON

Examples:
  liteship channels mnist
  liteship history mnist --channel stable   # every move of one channel`;

export async function channelsCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [model, ...extra] = args.positionals;
  if (!model || extra.length > 0) throw usageError('expected one model name', USAGE);
  modelNameArg(model, USAGE);
  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const channels = await new ChannelStore(store).list(model);
  if (args.flags.json) io.stdout(`${JSON.stringify(channels, null, 2)}\n`);
  else if (channels.length === 0) io.stdout(`${model} has no channels yet (latest appears with its first release)\n`);
  else io.stdout(channelTable(channels, 'channel'));
  return 0;
}

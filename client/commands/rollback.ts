/** `liteship rollback <model> --channel <channel>`: move a channel back to the version it held before. */
import { ChannelStore } from '../../infra/channel-store';
import { modelNameArg, parseArgs, usageError } from '../args';
import { whoAmI } from '../channel-view';
import type { CommandIO } from '../io';
import { openStorage } from '../storage';

const USAGE = `liteship rollback <model> --channel <channel> [--reason "..."] [--json]
Moves a channel back to the version it pointed at before its last move (the previous entry of its
history), as a new history entry; no release is deleted or changed. Works for latest too (until the
next release moves it again).

Options:
  --channel <channel>  the channel to move back
  --reason "..."       why, kept in the history
  --json               the history entry as JSON

Examples:
  liteship rollback mnist --channel stable --reason "crash on Android 9"
  liteship history mnist --channel stable`;

export async function rollbackCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'], string: ['channel', 'reason'] }, USAGE);
  const [model, ...extra] = args.positionals;
  const channel = args.flags.channel;
  if (!model || extra.length > 0 || typeof channel !== 'string') throw usageError('expected a model and --channel <channel>', USAGE);
  modelNameArg(model, USAGE);
  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const reason = typeof args.flags.reason === 'string' ? args.flags.reason : '';
  const entry = await new ChannelStore(store).rollback(model, channel, whoAmI(), reason);
  if (args.flags.json) io.stdout(`${JSON.stringify(entry, null, 2)}\n`);
  else io.stdout(`${model} ${channel} rolled back to ${entry.version} (was ${entry.previousVersion ?? '?'}): ${entry.reason}\n`);
  return 0;
}

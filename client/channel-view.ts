/** How channels print: one table for `channels` and `history`, and who is moving one. */
import os from 'node:os';
import type { ChannelEntry } from '../contracts';

/** `user@host` of whoever runs the CLI, recorded in each move. */
export function whoAmI(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${os.hostname()}`;
  }
}

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function channelTable(entries: ChannelEntry[], first: 'channel' | 'sequence'): string {
  const header = [first === 'channel' ? 'channel' : '#', 'version', 'moved (UTC)', 'how', 'by', 'reason'];
  const rows = entries.map((e) => [
    first === 'channel' ? e.channel : String(e.sequence),
    e.version,
    when(e.movedAt),
    e.previousVersion ? `${e.kind} from ${e.previousVersion}` : e.kind,
    e.by,
    e.reason,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** The diff of two releases as terminal text (`liteship compare`): the same rows as the report's Changes section. */
import type { DiffRow, ReleaseDiff } from './diff';

function tableText(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((cells) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd());
}

const mark = (r: DiffRow) => (r.budget ? '!! ' : r.worse ? '!  ' : '   ');

export function formatDiff(diff: ReleaseDiff): string {
  const lines = [`${diff.from} -> ${diff.to}   chosen file ${diff.chosen.before} -> ${diff.chosen.after}`, ''];
  lines.push(...tableText(['   ', '', diff.from, diff.to, 'change'], diff.rows.map((r) => [mark(r), r.metric, r.text.before, r.text.after, r.text.change])));
  if (diff.perClass.length > 0) {
    lines.push('', 'per class (accuracy of the chosen file):');
    lines.push(
      ...tableText(
        ['   ', 'class', diff.from, diff.to, 'change'],
        diff.perClass.map((c) => [c.worse ? '!  ' : '   ', c.label, `${(c.before * 100).toFixed(2)}%`, `${(c.after * 100).toFixed(2)}%`, `${c.changePoints >= 0 ? '+' : ''}${c.changePoints.toFixed(2)} pts`]),
      ),
    );
  }
  for (const v of diff.variants) {
    lines.push('', `${v.variant}:`);
    lines.push(...tableText(['   ', '', diff.from, diff.to, 'change'], v.rows.map((r) => [mark(r), r.metric, r.text.before, r.text.after, r.text.change])));
  }
  lines.push('');
  if (diff.crossed.length > 0) lines.push(...diff.crossed.map((c) => `!! budget crossed: ${c}`));
  else lines.push('no budget of the newer release is crossed');
  lines.push('(!  worse beyond noise, !! crosses a budget of the newer release\'s gate)');
  return `${lines.join('\n')}\n`;
}

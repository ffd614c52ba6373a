/** What changed since the releases it is compared with (previous version, channel heads), budget crossings highlighted. */
import { diffReleases, type DiffRow } from '../diff';
import { el, join, section, table, type Content } from '../html';
import type { ReportInput } from '../input';

function rowCells(r: DiffRow): Content[] {
  const cls = r.budget ? 'crossed' : r.worse ? 'worse' : undefined;
  return [r.metric, r.text.before, r.text.after, el('td', { class: cls }, r.text.change), el('td', { class: r.budget ? 'crossed' : undefined }, r.budget ?? '')];
}

export function changesSection({ release, comparisons }: ReportInput) {
  if (comparisons.length === 0) {
    return section('changes', 'Changes', el('p', { class: 'muted' }, `First release of ${release.manifest.model}: nothing to compare with.`));
  }
  const blocks = comparisons.map(({ label, record }) => {
    const diff = diffReleases(record, release);
    return el(
      'div',
      { class: 'diff' },
      el('h3', {}, `Since ${diff.from} (${label})`),
      diff.crossed.length > 0 ? el('p', { class: 'alert' }, `Budget crossed: ${diff.crossed.join('; ')}`) : undefined,
      el('p', {}, `Chosen file: ${diff.chosen.before} -> ${diff.chosen.after}`),
      table(['', diff.from, diff.to, 'change', 'budget'], diff.rows.map(rowCells), { class: 'diff-table' }),
      diff.perClass.length > 0
        ? table(['class', diff.from, diff.to, 'change'], diff.perClass.map((c) => [c.label, `${(c.before * 100).toFixed(2)}%`, `${(c.after * 100).toFixed(2)}%`, el('td', { class: c.worse ? 'worse' : undefined }, `${c.changePoints >= 0 ? '+' : ''}${c.changePoints.toFixed(2)} pts`)]), { class: 'diff-table' })
        : undefined,
      ...diff.variants.map((v) => el('details', {}, el('summary', {}, `${v.variant}`), table(['', diff.from, diff.to, 'change'], v.rows.map((r) => rowCells(r).slice(0, 4))))),
    );
  });
  return section('changes', 'Changes', join(blocks));
}

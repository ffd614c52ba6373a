/** How good the model is: training curves, per-class accuracy, the confusion matrix, and the images it gets wrong. */
import { barChart, lineChart, type ChartSpec } from '../charts';
import { safeImageSource } from '../escape';
import { chartBox, el, join, percent, raw, section } from '../html';
import type { ReportInput } from '../input';
import { chosenBenchmark } from '../release-record';

/** White to deep blue by share of the row; the diagonal in green so right answers read at a glance. */
function cellStyle(count: number, rowTotal: number, diagonal: boolean): string {
  const share = rowTotal === 0 ? 0 : count / rowTotal;
  const alpha = count === 0 ? 0 : 0.08 + 0.92 * Math.sqrt(share);
  const rgb = diagonal ? '16, 150, 100' : '220, 38, 38';
  return `background: rgba(${rgb}, ${alpha.toFixed(3)}); color: ${alpha > 0.55 ? '#fff' : '#111'}`;
}

function confusionMatrix(matrix: number[][]) {
  const n = matrix.length;
  const head = el('tr', {}, el('th', { class: 'corner' }, 'true \\ predicted'), ...Array.from({ length: n }, (_, c) => el('th', {}, String(c))));
  const body = matrix.map((row, r) => {
    const total = row.reduce((a, b) => a + b, 0);
    return el(
      'tr',
      {},
      el('th', {}, String(r)),
      ...row.map((count, c) => el('td', { class: 'cm-cell', style: cellStyle(count, total, r === c), title: `true ${r}, predicted ${c}: ${count} of ${total}` }, count === 0 ? '' : String(count))),
    );
  });
  return el('table', { class: 'confusion', id: 'confusion-matrix', 'data-classes': n }, el('thead', {}, head), el('tbody', {}, ...body));
}

export function qualitySection({ release }: ReportInput): { html: ReturnType<typeof section>; charts: ChartSpec[] } {
  const m = release.manifest;
  const metrics = release.metrics;
  const chosen = chosenBenchmark(release);
  const charts: ChartSpec[] = [];
  const parts = [];

  const history = metrics?.training?.history ?? [];
  if (history.length > 0) {
    charts.push(lineChart('chart-loss', [
      { label: 'train loss', data: history.map((h) => ({ x: h.epoch, y: h.loss })) },
      { label: 'test loss', data: history.map((h) => ({ x: h.epoch, y: Number.isFinite(h.testLoss) ? h.testLoss : null })) },
    ], 'epoch', 'cross-entropy'));
    charts.push(lineChart('chart-train-accuracy', [
      { label: 'train accuracy (%)', data: history.map((h) => ({ x: h.epoch, y: h.accuracy * 100 })) },
      { label: 'test accuracy (%)', data: history.map((h) => ({ x: h.epoch, y: Number.isFinite(h.testAccuracy) ? h.testAccuracy * 100 : null })) },
    ], 'epoch', '%'));
    parts.push(el('div', { class: 'charts' }, chartBox('chart-loss', 'Loss per epoch'), chartBox('chart-train-accuracy', 'Accuracy per epoch')));
  } else {
    parts.push(el('p', { class: 'muted' }, 'This release has no training curves (they were not recorded when it was made).'));
  }

  const tfjsClasses = metrics?.evaluation.perClassAccuracy ?? [];
  const tfliteClasses = chosen?.tflite.perClassAccuracy ?? [];
  const classCount = Math.max(tfjsClasses.length, tfliteClasses.length);
  if (classCount > 0) {
    const labels = Array.from({ length: classCount }, (_, c) => String(c));
    charts.push(barChart('chart-per-class', labels, [
      { label: `${m.chosenVariant} .tflite (%)`, data: labels.map((_, c) => (tfliteClasses[c] === undefined || tfliteClasses[c] === null ? null : tfliteClasses[c]! * 100)) },
      { label: 'tfjs model (%)', data: labels.map((_, c) => (tfjsClasses[c] === undefined || tfjsClasses[c] === null ? null : tfjsClasses[c]! * 100)) },
    ], '% correct'));
    parts.push(el('div', { class: 'charts' }, chartBox('chart-per-class', 'Accuracy per class')));
  }

  const matrix = chosen?.tflite.confusionMatrix ?? metrics?.evaluation.confusionMatrix;
  if (matrix) {
    parts.push(el('h3', {}, `Confusion matrix of ${chosen ? `${m.chosenVariant}.tflite` : 'the tfjs model'} (${percent(chosen?.tflite.accuracy ?? metrics?.evaluation.accuracy)} of ${chosen?.tflite.count ?? metrics?.evaluation.count} test images)`));
    parts.push(el('div', { class: 'scroll' }, confusionMatrix(matrix)));
  }

  const mistakes = metrics?.chosenMistakes ?? [];
  if (mistakes.length > 0) {
    parts.push(el('h3', {}, `Test images ${m.chosenVariant}.tflite gets wrong (the first ${mistakes.length})`));
    parts.push(
      el(
        'div',
        { class: 'mistakes', id: 'mistakes' },
        ...mistakes.map((x) => {
          const src = safeImageSource(x.png);
          return el('figure', { class: 'mistake' }, src ? el('img', { src, alt: `test image ${x.index}`, width: 56, height: 56 }) : raw(''), el('figcaption', {}, `#${x.index}: true ${x.label}, predicted ${x.predicted}`));
        }),
      ),
    );
  }
  return { html: section('quality', 'Quality', join(parts)), charts };
}

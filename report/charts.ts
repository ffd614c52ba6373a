/**
 * Chart.js configurations (JSON only: no functions, so they travel in the page's data block) and the
 * few lines of page script that draw them. Animations are off: a chart is complete as soon as it is made.
 */
export interface ChartSpec {
  id: string;
  config: { type: 'bar' | 'line'; data: unknown; options?: Record<string, unknown> };
}

export const PALETTE = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#0ea5e9', '#f97316', '#84cc16'];

const axis = (title: string, extra: Record<string, unknown> = {}) => ({ title: { display: true, text: title }, ...extra });

export function barChart(id: string, labels: string[], datasets: Array<{ label: string; data: Array<number | null> }>, yTitle: string, extra: Record<string, unknown> = {}): ChartSpec {
  return {
    id,
    config: {
      type: 'bar',
      data: { labels, datasets: datasets.map((d, i) => ({ ...d, backgroundColor: PALETTE[i % PALETTE.length] })) },
      options: { scales: { y: axis(yTitle, extra) } },
    },
  };
}

export function lineChart(id: string, datasets: Array<{ label: string; data: Array<{ x: number; y: number | null }> }>, xTitle: string, yTitle: string, extra: Record<string, unknown> = {}): ChartSpec {
  return {
    id,
    config: {
      type: 'line',
      data: { datasets: datasets.map((d, i) => ({ ...d, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], tension: 0.2, pointRadius: 2 })) },
      options: { scales: { x: { type: 'linear', ...axis(xTitle, xTitle === 'epoch' ? { ticks: { stepSize: 1 } } : {}) }, y: axis(yTitle, extra) } },
    },
  };
}

/** Runs in the page: draws every chart from the JSON block and marks its canvas. */
export const CHART_RUNNER = `(function () {
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    var options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } } }, spec.config.options || {});
    new Chart(canvas, { type: spec.config.type, data: spec.config.data, options: options });
    canvas.setAttribute('data-drawn', 'true');
  });
})();`;

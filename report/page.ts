/** The page around the sections: styles, the data block and the inlined chart library. Nothing is loaded from elsewhere. */
import { escapeHtml, inlineScript, scriptJson } from './escape';
import type { ChartSpec } from './charts';
import { CHART_RUNNER } from './charts';
import type { Html } from './html';

// The policy forbids every fetch: fonts, images and scripts all come from this file.
const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

const STYLE = `
:root { --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --pass: #047857; --fail: #b91c1c; --accent: #2563eb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; } h1 .version { color: var(--accent); }
h2 { margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); font-size: 19px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
nav { margin: 10px 0; } nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
.badge { font-size: 12px; padding: 2px 8px; border-radius: 10px; vertical-align: middle; background: #d1fae5; color: var(--pass); }
.lead { margin: 6px 0; } .description { margin: 6px 0; font-style: italic; } .muted { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; } dt { color: var(--muted); } dd { margin: 0; }
table { border-collapse: collapse; margin: 8px 0; } th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; }
#variants-table td, .diff-table td { white-space: nowrap; } #variants-table td.reasons { white-space: normal; max-width: 360px; font-size: 12px; }
.verdict.pass { color: var(--pass); font-weight: 600; } .verdict.fail { color: var(--fail); font-weight: 600; } .verdict.chosen { color: #fff; background: var(--pass); font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; } figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
.chart-area { position: relative; height: 240px; }
.scroll { overflow-x: auto; }
table.confusion td.cm-cell { width: 44px; height: 30px; text-align: center; border: 1px solid #fff; font-variant-numeric: tabular-nums; font-size: 12px; }
table.confusion th { text-align: center; } table.confusion th.corner { font-size: 11px; color: var(--muted); }
.mistakes { display: flex; flex-wrap: wrap; gap: 8px; } figure.mistake { margin: 0; text-align: center; font-size: 11px; width: 96px; }
figure.mistake img { image-rendering: pixelated; border: 1px solid var(--line); background: #000; }
td.ops, td.tensors { font-size: 12px; font-family: ui-monospace, monospace; }
td.worse { color: var(--fail); } td.crossed { color: #fff; background: var(--fail); font-weight: 600; }
.alert { background: #fef2f2; border-left: 4px solid var(--fail); padding: 6px 10px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;

export function page(title: string, body: Html, charts: ChartSpec[], chartLibrary: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.html}
<script type="application/json" id="chart-data">${scriptJson(charts)}</script>
<script>${inlineScript(chartLibrary)}</script>
<script>${CHART_RUNNER}</script>
</body>
</html>
`;
}

/** Chart.js's browser bundle (UMD), read from the installed package to be inlined into each report. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function chartLibrarySource(): string {
  // The package's exports map hides dist/; its main entry sits in the same folder as the UMD bundle.
  const dist = path.dirname(require.resolve('chart.js'));
  return readFileSync(path.join(dist, 'chart.umd.min.js'), 'utf8');
}

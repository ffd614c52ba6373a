/** The pure report builder, the diff and the UI's Markdown: escaping, budgets, structure. */
import type { ReleaseManifest, ReleaseMetricsFile } from '../../../contracts';
import { buildReportHtml, diffReleases, formatDiff, type ReleaseRecord } from '../../../report';
import { escapeHtml, inlineScript, safeImageSource, scriptJson } from '../../../report/escape';
import { imagePng, pngDataUri } from '../../../report/png';
import { currentDetails, markdownCell } from '../../../workflows/current-details';

function record(version: string, over: { accuracy?: number; bytes?: number; p90?: number; description?: string } = {}): ReleaseRecord {
  const accuracy = over.accuracy ?? 0.97;
  const bytes = over.bytes ?? 100_000;
  const p90 = over.p90 ?? 0.05;
  const manifest = {
    schema: 'liteship.release/v1',
    model: 'm',
    version,
    createdAt: `2026-11-30T0${version.slice(1)}:00:00.000Z`,
    files: {},
    spec: { model: 'm', description: over.description, architecture: 'mlp', training: { epochs: 1, batchSize: 32, learningRate: 0.001, seed: 1 }, benchmark: { runs: 200 }, gate: { maxAccuracyDropPoints: 1, maxBytes: 150_000, maxP90Ms: 0.1 } },
    dataset: { fingerprint: 'ab'.repeat(32), source: 'mnist', trainCount: 10, testCount: 4, imageShape: [2, 2, 1], numClasses: 2 },
    pipeline: { gitCommit: 'c'.repeat(40), liteshipVersion: '0.1.0' },
    runtimes: { node: '20', trainingBackend: 'cpu' },
    training: { epochs: 1, finalLoss: 0.1, finalAccuracy: 0.9, resumedFromEpoch: 0, parameterCount: 10, backend: { name: 'cpu', tfjsVersion: '4' } },
    chosenVariant: 'float32',
    selection: 'float32 is the smallest',
    variants: [{ variant: 'float32', file: 'float32.tflite', bytes, gzipBytes: bytes - 10, accuracy, accuracyDropPoints: 0, latencyP50Ms: 0.01, latencyP90Ms: p90, latencyP99Ms: 0.2, candidate: true, passed: true, chosen: true, reasons: [], notes: [] }],
    summary: { tfjsAccuracy: accuracy, tfliteAccuracy: accuracy, accuracyGapPoints: 0, tfliteBytes: bytes, latencyP50Ms: 0.01, latencyP90Ms: p90, latencyP99Ms: 0.2 },
    stepTimingsMs: { train: 1000 },
    workflow: { workflowId: 'w', runId: 'r' },
  } as unknown as ReleaseManifest;
  const metrics = {
    evaluation: { count: 4, accuracy, loss: 0.1, perClassAccuracy: [1, 0.5], confusionMatrix: [[2, 0], [1, 1]] },
    benchmarks: [{ variant: 'float32', tflite: { count: 4, accuracy, perClassAccuracy: [1, accuracy > 0.96 ? 0.5 : 0.25], confusionMatrix: [[2, 0], [1, 1]] }, memory: { peakRssIncreaseBytes: 3e6, peakRssBytes: 6e7 }, latencyHistogram: { startMs: 0.01, binMs: 0.01, counts: [5, 3], over: 0 } }],
    failures: [],
    training: { history: [{ epoch: 1, loss: 0.5, accuracy: 0.8, testLoss: 0.4, testAccuracy: 0.85 }] },
    models: [{ variant: 'float32', operators: [{ name: 'FULLY_CONNECTED', version: 1, count: 2 }], minRuntimeVersion: '1.5.0', tensorCount: 5, largestTensors: [], weightBytes: 9 }],
    chosenMistakes: [{ index: 3, label: 1, predicted: 0, png: pngDataUri(imagePng(new Uint8Array([0, 255, 255, 0]), 2, 2)) }],
  } as unknown as ReleaseMetricsFile;
  return { manifest, metrics };
}

describe('escaping', () => {
  it('turns markup in user text into text', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
    expect(scriptJson({ s: '</script><!--' })).not.toMatch(/<\/script|<!--/);
    expect(inlineScript('var a = "</script>";')).toBe('var a = "<\\/script>";');
    expect(safeImageSource('javascript:alert(1)')).toBeUndefined();
    expect(safeImageSource('data:image/png;base64,"onerror=x')).toBeUndefined();
  });
  it('keeps Markdown table cells whole', () => {
    expect(markdownCell('a | b\nc')).toBe('a \\| b c');
  });
});

describe('buildReportHtml', () => {
  const hostile = '<script>alert(1)</script>';
  const html = buildReportHtml({ release: record('v2', { description: hostile }), comparisons: [{ label: 'previous release', record: record('v1') }], chartLibrary: '/* chart.js */' });

  it('escapes the description and has no script but its own three', () => {
    expect(html).not.toContain(hostile);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script/g)).toHaveLength(3);
  });
  it('draws a numClasses x numClasses confusion matrix and the mistakes as PNG images', () => {
    expect(html.match(/class="cm-cell"/g)).toHaveLength(4);
    expect(html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
  });
  it('forbids every request with its content security policy', () => {
    expect(html).toContain(`default-src 'none'; img-src data:;`);
  });
});

describe('diffReleases', () => {
  it('flags worse figures and the budgets the newer release crosses', () => {
    const diff = diffReleases(record('v1'), record('v2', { accuracy: 0.95, bytes: 160_000, p90: 0.2 }));
    const byMetric = Object.fromEntries(diff.rows.map((r) => [r.metric, r]));
    expect(byMetric['accuracy (TFLite)']).toMatchObject({ worse: true, budget: expect.stringContaining('fell 2.00 points') });
    expect(byMetric['size']).toMatchObject({ worse: true, budget: 'size 160000 B is over the budget of 150000 B' });
    expect(byMetric['latency p90']!.budget).toBe('p90 0.200 ms is over the budget of 0.1 ms');
    expect(diff.perClass.map((c) => c.changePoints)).toEqual([0, -25]);
    expect(formatDiff(diff)).toContain('!! budget crossed: size 160000 B is over the budget of 150000 B');
  });
  it('reports no crossing for the same figures', () => {
    const diff = diffReleases(record('v1'), record('v2'));
    expect(diff.crossed).toEqual([]);
    expect(diff.rows.every((r) => !r.worse)).toBe(true);
  });
});

describe('currentDetails', () => {
  it('shows each step, the live training line of the running one, and the gate', () => {
    const md = currentDetails({
      progress: { model: 'm', current: 'train', steps: { prepareData: { status: 'done', durationMs: 400, summary: '10 images' }, train: { status: 'running', startedAt: 0 }, evaluate: { status: 'pending' }, prune: { status: 'skipped', summary: 'no pruned variant asked for' }, convert: { status: 'pending' }, benchmark: { status: 'pending' }, select: { status: 'pending' }, publish: { status: 'pending' } } },
      now: 12_000,
      live: { epoch: 1, epochs: 5, batch: 10, batchesPerEpoch: 100, loss: 0.25, accuracy: 0.9 },
      selection: { chosen: 'float32', explanation: 'smallest', verdicts: [{ variant: 'float32', passed: true, reasons: [], notes: [] }] },
    });
    expect(md).toContain('| prepareData | ✓ done | 0.4 s | 10 images |');
    expect(md).toContain('| train | ▸ running | 12.0 s | epoch 2/5  batch 10/100  loss 0.2500  acc 0.9000 |');
    expect(md).toContain('| float32 | **chosen** |  |');
  });
});

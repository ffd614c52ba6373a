/// <reference lib="dom" />
/**
 * What people look at, in a real browser (Debian's Chromium through playwright-core): a tiny MNIST
 * release's report.html opened from disk, and the finished run's page in the Temporal UI.
 * Screenshots are kept in .liteship/test-artifacts/.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Browser, Frame, Page } from 'playwright-core';
import type { ReleaseManifest, ReleaseMetricsFile, ReleaseResult } from '../../../contracts';
import { repoRoot } from '../../../infra/paths';
import { launchChromium } from '../../support/browser';
import { ExitCode } from '../../../client/exit-codes';
import { runCli } from '../../support/cli';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';
import { tinyMnistSpec } from '../../support/tiny-mnist';

const { store, client, config } = useTestServices();
const ARTIFACTS = path.join(repoRoot(), '.liteship', 'test-artifacts');
const HOSTILE = 'Tiny <script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> & "quotes"';

const json = <T>(bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T;

describe('release pages in a real browser', () => {
  const dir = tempDir();
  const model = uniqueModelName('pages-e2e');
  const specFile = writeSpec(dir, 'tiny', tinyMnistSpec(dir, model, { description: HOSTILE }));
  let browser: Browser;
  const runs: Array<{ workflowId: string; result: ReleaseResult }> = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('publishes report.html with each release, listed in the manifest with its sha256', async () => {
    for (const expected of ['v1', 'v2']) {
      // --force: the second run has the same recipe, which would otherwise end `unchanged`.
      const run = await runCli(['run', specFile, '--json', '--force']);
      expect(run.stderr).not.toContain('unexpected error');
      expect(run.code).toBe(0);
      runs.push(JSON.parse(run.stdout) as (typeof runs)[number]);
      expect(runs.at(-1)!.result.version).toBe(expected);
    }
    const manifest = json<ReleaseManifest>(await store.get(`${model}/v2/manifest.json`));
    const html = await store.get(`${model}/v2/report.html`);
    expect(manifest.files['report.html']).toEqual({ sha256: createHash('sha256').update(html).digest('hex'), bytes: html.byteLength });

    const metrics = json<ReleaseMetricsFile>(await store.get(`${model}/v2/metrics.json`));
    expect(metrics.training?.history).toEqual([{ epoch: 1, loss: expect.any(Number), accuracy: expect.any(Number), testLoss: expect.any(Number), testAccuracy: expect.any(Number) }]);
    for (const b of metrics.benchmarks) {
      expect(b.memory?.peakRssIncreaseBytes).toBeGreaterThan(b.fileBytes); // at least the model's own bytes
      expect(b.latencyHistogram!.counts.reduce((a, c) => a + c, 0) + b.latencyHistogram!.over).toBe(b.latency.runs);
    }
    expect(metrics.models?.map((m) => m.variant)).toEqual(['float32', 'float16', 'dynamic-int8', 'int8']);
    expect(metrics.chosenMistakes!.length).toBeGreaterThan(10);
  });

  it('the report opens from disk with no console errors or requests, draws every chart, and escapes user text', async () => {
    // stable at v1: the report names v1 as both the previous release and the stable head.
    expect((await runCli(['promote', model, 'v1', '--to', 'stable', '--reason', 'browser test'])).code).toBe(0);
    const file = path.join(dir, 'report.html');
    const cli = await runCli(['report', model, 'v2', '-o', file]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('compared with v1 (previous release, stable head)');

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    await page.waitForLoadState('load');

    expect(problems).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    const charts = await page.$$eval('canvas[data-chart]', (canvases) =>
      (canvases as HTMLCanvasElement[]).map((c) => {
        const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
        return { id: c.id, drawn: c.dataset.drawn, painted };
      }),
    );
    expect(charts.map((c) => c.id).sort()).toEqual(
      ['chart-accuracy', 'chart-latency', 'chart-latency-distribution', 'chart-loss', 'chart-memory', 'chart-per-class', 'chart-size', 'chart-train-accuracy'].sort(),
    );
    for (const c of charts) expect({ id: c.id, drawn: c.drawn, painted: c.painted > 500 }).toEqual({ id: c.id, drawn: 'true', painted: true });

    expect(await page.locator('#confusion-matrix').getAttribute('data-classes')).toBe('10');
    expect(await page.locator('#confusion-matrix td.cm-cell').count()).toBe(100);
    const images = await page.$$eval('#mistakes img', (imgs) => (imgs as HTMLImageElement[]).map((i) => i.complete && i.naturalWidth));
    expect(images.length).toBeGreaterThan(10);
    expect(images.every((w) => w === 28)).toBe(true);

    // The hostile description is text, not markup.
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#description').textContent()).toBe(HOSTILE);
    expect(await page.locator('#description script, #description img').count()).toBe(0);
    expect(await page.locator('#changes h3').allTextContents()).toEqual([`Since ${model} v1 (previous release, stable head)`]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-top.png') });
    await page.close();
  });

  it('liteship compare prints the same diff in the terminal and as JSON', async () => {
    const text = await runCli(['compare', model, 'stable', 'latest']); // channels resolve to v1 and v2
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`(stable is v1, latest is v2)\n${model} v1 -> ${model} v2`);
    expect(text.stdout).toMatch(/accuracy \(TFLite\)\s+\d+\.\d\d%\s+\d+\.\d\d%\s+[+-]\d+\.\d\d pts/);
    const asJson = await runCli(['compare', model, 'v1', 'v2', '--json']);
    const diff = JSON.parse(asJson.stdout) as { rows: Array<{ metric: string }>; perClass: unknown[] };
    expect(diff.rows.map((r) => r.metric)).toContain('latency p90');
    expect(diff.perClass).toHaveLength(10);
    const missing = await runCli(['compare', model, 'v1', 'v9']);
    expect(missing.code).toBe(ExitCode.notFound);
    expect(missing.stderr).toContain(`no release or channel ${model} v9; released versions: v1, v2; channels: latest, stable`);
  });

  it('the run tells its story in history: activity summaries and live training signals', async () => {
    const history = await client().workflow.getHandle(runs[1]!.workflowId).fetchHistory();
    const summaries = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => (e.userMetadata?.summary ? defaultPayloadConverter.fromPayload<string>(e.userMetadata.summary) : undefined));
    expect(summaries).toEqual(expect.arrayContaining(['convert dynamic-int8', 'benchmark float16', `publish ${model} (${runs[1]!.result.chosenVariant})`]));
    const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'trainingProgress');
    expect(signals.length).toBeGreaterThanOrEqual(1);
  });

  it('the Temporal UI page of the finished run shows the current-details table and the search attributes', async () => {
    const { workflowId, result } = runs[1]!;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    await page.goto(`${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${workflowId}`);
    await page.getByText('User Metadata').first().click({ timeout: 60_000 });
    const details = await frameWithText(page, 'Gate:');
    const rows = await details.$$eval('table tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')));
    const steps = rows.filter((r) => r.length === 4).map((r) => [r[0], r[1]]);
    expect(steps).toEqual([
      ['prepareData', '✓ done'],
      ['train', '✓ done'],
      ['evaluate', '✓ done'],
      ['prune', '– skipped'],
      ['convert', '✓ done'],
      ['benchmark', '✓ done'],
      ['select', '✓ done'],
      ['publish', '✓ done'],
    ]);
    expect(await details.textContent('body')).toContain(`Released ${model} v2 (${result.chosenVariant})`);
    await frameWithText(page, `release ${model} from`); // the static summary
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui.png') });

    await page.getByText('Search Attributes').first().click();
    for (const line of [`"LiteshipModel": "${model}"`, '"LiteshipVersion": "v2"', '"LiteshipOutcome": "released"', `"LiteshipVariant": "${result.chosenVariant}"`, '"LiteshipStep": "publish"']) {
      await page.waitForFunction((l) => document.body.innerText.includes(l), line, { timeout: 30_000 });
    }
    expect(await page.locator('body').innerText()).toMatch(/"LiteshipDataset": "[0-9a-f]{12}"/);
    await page.close();
  });
});

/** The UI renders Markdown in a sandboxed frame: wait for the one that holds `text`. */
async function frameWithText(page: Page, text: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const body = await frame.textContent('body').catch(() => null);
      if (body?.includes(text)) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no frame of ${page.url()} shows "${text}" within ${timeoutMs} ms`);
}

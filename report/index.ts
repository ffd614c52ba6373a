/**
 * report.html: one self-contained page per release (inline styles, data and Chart.js; no request
 * leaves the page) for people who judge a release by looking at it. Pure: data in, HTML out.
 */
import { el, join } from './html';
import type { ReportInput } from './input';
import { page } from './page';
import { changesSection } from './sections/changes';
import { headerSection } from './sections/header';
import { modelSection } from './sections/model';
import { qualitySection } from './sections/quality';
import { variantsSection } from './sections/variants';

export type { ReportInput } from './input';
export type { ReleaseRecord } from './release-record';
export { diffReleases, type ReleaseDiff, type DiffRow } from './diff';
export { formatDiff } from './format-diff';
export { imagePng, pngDataUri } from './png';

export function buildReportHtml(input: ReportInput): string {
  const m = input.release.manifest;
  const variants = variantsSection(input);
  const quality = qualitySection(input);
  const nav = el('nav', {}, ...[['variants', 'Variants'], ['quality', 'Quality'], ['model', 'Model'], ['changes', 'Changes']].map(([id, label]) => el('a', { href: `#${id}` }, label!)));
  const body = join([
    headerSection(input),
    nav,
    variants.html,
    quality.html,
    modelSection(input),
    changesSection(input),
    el('footer', {}, `liteship release report for ${m.model} ${m.version}; figures from manifest.json and metrics.json of this release.`),
  ]);
  return page(`${m.model} ${m.version}: liteship release report`, body, [...variants.charts, ...quality.charts], input.chartLibrary);
}

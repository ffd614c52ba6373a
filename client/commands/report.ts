/** `liteship report <model> <version> [-o file]`: write a release's report.html (same page as the published one). */
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, workflowUrlFor } from '../../infra/config';
import { buildReportHtml } from '../../report';
import { chartLibrarySource } from '../../report/chart-library';
import { modelNameArg, parseArgs, usageError } from '../args';
import type { CommandIO } from '../io';
import { reportComparisons } from '../../infra/report-comparisons';
import { requireRelease } from '../release-lookup';
import { openStorage } from '../storage';

const USAGE = `liteship report <model> <version|channel> [-o report.html]
Writes a release's report.html: one self-contained page (charts, confusion matrix, mistakes, model
facts) compared with the release before it and with each channel's head.

Options:
  -o, --output <file>   where to write it (default: <model>-<version>-report.html)`;

export async function reportCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { string: ['output'], aliases: { o: 'output' } }, USAGE);
  const [model, wanted, ...extra] = args.positionals;
  if (!model || !wanted || extra.length > 0) throw usageError('expected a model and a version or channel', USAGE);
  modelNameArg(model, USAGE);

  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const release = await requireRelease(store, model, wanted);
  const version = release.manifest.version;
  const comparisons = await reportComparisons(store, model, version, release.manifest.createdAt);
  const output = path.resolve(typeof args.flags.output === 'string' ? args.flags.output : `${model}-${version}-report.html`);
  const workflowUrl = workflowUrlFor(loadConfig(), release.manifest.workflow.workflowId);
  const html = buildReportHtml({
    release,
    comparisons,
    chartLibrary: chartLibrarySource(),
    ...(workflowUrl ? { workflowUrl } : {}),
  });
  // Write beside the target, then rename: an interrupted write never leaves half a page.
  const partial = `${output}.partial-${process.pid}`;
  await writeFile(partial, html);
  await rename(partial, output);
  const against = comparisons.length ? `, compared with ${comparisons.map((c) => `${c.record.manifest.version} (${c.label})`).join(', ')}` : ', first release (nothing to compare)';
  io.stdout(`${model} ${version} report -> ${output} (${html.length} bytes${against})\n`);
  return 0;
}

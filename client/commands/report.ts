/** `liteship report <model> <version> [-o file]`: write a release's report.html (same page as the published one). */
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, workflowUrlFor } from '../../infra/config';
import { buildReportHtml } from '../../report';
import { chartLibrarySource } from '../../report/chart-library';
import { parseArgs } from '../args';
import { UsageError, type CommandIO } from '../io';
import { previousRelease, requireRelease } from '../release-lookup';
import { openStorage } from '../storage';

const USAGE = 'liteship report <model> <version> [-o report.html]';

export async function reportCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { string: ['output'], aliases: { o: 'output' } }, USAGE);
  const [model, version, ...extra] = args.positionals;
  if (!model || !version || extra.length > 0) throw new UsageError(`expected a model and a version\nusage: ${USAGE}`);
  const output = path.resolve(typeof args.flags.output === 'string' ? args.flags.output : `${model}-${version}-report.html`);

  const store = await openStorage((line) => io.stderr(`${line}\n`));
  const release = await requireRelease(store, model, version);
  const previous = await previousRelease(store, model, version, release.manifest.createdAt);
  const workflowUrl = workflowUrlFor(loadConfig(), release.manifest.workflow.workflowId);
  const html = buildReportHtml({
    release,
    comparisons: previous ? [{ label: 'previous release', record: previous }] : [],
    chartLibrary: chartLibrarySource(),
    ...(workflowUrl ? { workflowUrl } : {}),
  });
  // Write beside the target, then rename: an interrupted write never leaves half a page.
  const partial = `${output}.partial-${process.pid}`;
  await writeFile(partial, html);
  await rename(partial, output);
  const against = previous ? `, compared with ${previous.manifest.version}` : ', first release (nothing to compare)';
  io.stdout(`${model} ${version} report -> ${output} (${html.length} bytes${against})\n`);
  return 0;
}

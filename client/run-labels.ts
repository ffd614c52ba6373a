/** What the Temporal UI shows about a run before it has done anything: a one-line summary, the spec, the model attribute. */
import path from 'node:path';
import type { WorkflowStartOptions } from '@temporalio/client';
import { SEARCH_ATTRIBUTES, type ReleaseSpec } from '../contracts';

export function runLabels(spec: ReleaseSpec, specPath: string): Pick<WorkflowStartOptions, 'staticSummary' | 'staticDetails' | 'typedSearchAttributes'> {
  const json = JSON.stringify(spec, null, 2);
  // A fence longer than any run of backticks in the spec, so a description cannot close it.
  const fence = '`'.repeat(Math.max(3, ...(json.match(/`+/g) ?? []).map((run) => run.length + 1)));
  const shownPath = path.isAbsolute(specPath) ? specPath : path.normalize(specPath);
  return {
    staticSummary: `release ${spec.model} from ${shownPath}`,
    staticDetails: [
      `**${spec.model}**: ${spec.architecture}, ${spec.training.epochs} epochs, variants ${spec.variants.join(', ')}`,
      ...(spec.description ? ['', spec.description] : []),
      '',
      `${fence}json`,
      json,
      fence,
    ].join('\n'),
    typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.model, value: spec.model }],
  };
}

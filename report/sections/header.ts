/** The top of the report: which release this is, what made it, and where it came from. */
import { el, join, raw, section, type Content } from '../html';
import type { ReportInput } from '../input';

function facts(rows: Array<[string, Content]>) {
  return el('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

export function headerSection({ release, workflowUrl }: ReportInput) {
  const m = release.manifest;
  const t = m.spec.training;
  const d = m.dataset;
  const workflow = workflowUrl ? el('a', { href: workflowUrl }, m.workflow.workflowId) : m.workflow.workflowId;
  return join([
    el(
      'header',
      {},
      el('h1', {}, `${m.model} `, el('span', { class: 'version' }, m.version), ' ', el('span', { class: 'badge pass', id: 'outcome' }, 'released')),
      m.spec.description ? el('p', { class: 'description', id: 'description' }, m.spec.description) : undefined,
      el('p', { class: 'lead' }, `Ships `, el('strong', {}, m.chosenVariant), ` as model.tflite: ${m.selection}`),
    ),
    section(
      'about',
      'Release',
      facts([
        ['created', m.createdAt.replace('T', ' ').replace(/\..*/, ' UTC')],
        ['recipe', `${m.spec.architecture}, ${t.epochs} epochs, batch ${t.batchSize}, learning rate ${t.learningRate}, seed ${t.seed}, backend ${m.training.backend.name}`],
        ['parameters', String(m.training.parameterCount)],
        ['data', join([`${d.source}: ${d.trainCount} train / ${d.testCount} test images ${d.imageShape.join('x')}, ${d.numClasses} classes, sha256 `, el('code', { title: d.fingerprint }, d.fingerprint.slice(0, 12))])],
        ['code', join([el('code', {}, m.pipeline.gitCommit.slice(0, 12)), ` (liteship ${m.pipeline.liteshipVersion})`])],
        ['toolchain', Object.entries(m.runtimes).map(([k, v]) => `${k} ${v}`).join(', ')],
        ['workflow', join([workflow, raw(' '), el('span', { class: 'muted' }, `run ${m.workflow.runId}`)])],
        ['steps', Object.entries(m.stepTimingsMs).map(([s, ms]) => `${s} ${(ms / 1000).toFixed(1)} s`).join(', ')],
      ]),
    ),
  ]);
}

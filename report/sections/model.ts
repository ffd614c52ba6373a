/** What each file holds: operators and their versions, the TFLite runtime it needs, tensors, memory. */
import { bytes, el, section, table } from '../html';
import type { ReportInput } from '../input';

export function modelSection({ release }: ReportInput) {
  const facts = release.metrics?.models ?? [];
  if (facts.length === 0) return section('model', 'Model', el('p', { class: 'muted' }, 'This release has no model facts (they were not recorded when it was made).'));
  const memory = new Map((release.metrics?.benchmarks ?? []).map((b) => [b.variant, b.memory]));
  const rows = facts.map((f) => [
    el('td', {}, el('strong', {}, f.variant)),
    el('td', { class: 'ops' }, ...f.operators.map((o) => el('div', {}, `${o.name} v${o.version}${o.count > 1 ? ` x${o.count}` : ''}`))),
    f.minRuntimeVersion ?? '-',
    String(f.tensorCount),
    bytes(f.weightBytes),
    el('td', { class: 'tensors' }, ...f.largestTensors.map((t) => el('div', {}, `${t.name} ${t.type} [${t.shape.join(', ')}] ${bytes(t.bytes)}`))),
    bytes(memory.get(f.variant)?.peakRssIncreaseBytes),
  ]);
  return section(
    'model',
    'Model',
    table(['variant', 'operators', 'min TFLite runtime', 'tensors', 'weights', 'largest tensors', 'memory'], rows, { id: 'model-table' }),
  );
}

// The TFLite Model Metadata part of `liteship inspect`: what an app loader reads
// (name, version, input size and normalization, labels).
import type { TensorMetadataDescription, TfliteModelDescription } from '../../tflite';

const list = (values: number[]): string => `[${values.join(', ')}]`;

function tensorLines(kind: string, t: TensorMetadataDescription, labels: Map<string, string>): string[] {
  const lines = [`  ${kind} ${t.name ?? '(unnamed)'}${t.content && t.content !== 'none' ? ` (${t.content})` : ''}`];
  if (t.imageSize || t.colorSpace) {
    const size = t.imageSize ? `${t.imageSize.width}x${t.imageSize.height} ` : '';
    lines.push(`    image: ${size}${t.colorSpace ?? ''}`.trimEnd());
  }
  if (t.normalization) lines.push(`    normalization: (value - mean ${list(t.normalization.mean)}) / std ${list(t.normalization.std)}`);
  if (t.stats) lines.push(`    stats: min ${list(t.stats.min)} max ${list(t.stats.max)}`);
  for (const file of t.associatedFiles) {
    const text = labels.get(file.name);
    const entries = text === undefined ? undefined : text.split('\n').filter((l) => l.length > 0);
    const shown = entries === undefined ? '(not packed in the file)' : `${entries.length}: ${entries.slice(0, 20).join(', ')}${entries.length > 20 ? ', ...' : ''}`;
    lines.push(`    ${file.type} ${file.name} ${shown}`);
  }
  return lines;
}

export function formatModelMetadata(d: TfliteModelDescription): string[] {
  const m = d.modelMetadata;
  if (m === undefined) return ['', 'TFLite metadata: none (no TFLITE_METADATA entry)'];
  const labels = new Map((d.associatedFiles ?? []).map((f) => [f.name, f.text ?? '']));
  const lines = ['', 'TFLite metadata:'];
  lines.push(`  name ${JSON.stringify(m.name ?? '')}, version ${JSON.stringify(m.version ?? '')}, min_parser_version ${m.minParserVersion ?? '(none)'}`);
  if (m.description) lines.push(`  description ${JSON.stringify(m.description)}`);
  if (m.author || m.license) lines.push(`  author ${JSON.stringify(m.author ?? '')}, license ${JSON.stringify(m.license ?? '')}`);
  for (const subgraph of m.subgraphs) {
    for (const t of subgraph.inputs) lines.push(...tensorLines('input', t, labels));
    for (const t of subgraph.outputs) lines.push(...tensorLines('output', t, labels));
  }
  const packed = d.associatedFiles ?? [];
  lines.push(`  associated files: ${packed.length === 0 ? 'none' : packed.map((f) => `${f.name} (${f.bytes} bytes)`).join(', ')}`);
  return lines;
}

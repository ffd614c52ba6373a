/**
 * `liteship inspect <file.tflite> [--json]`: ops with versions, tensors (shape, dtype,
 * quantization), inputs/outputs, signatures, metadata, and where the bytes go. Works on
 * liteship's files and on files from TensorFlow's converter.
 */
import { readFile } from 'node:fs/promises';
import { byteBudget, InvalidTfliteError, readTflite } from '../../tflite';
import type { TensorDescription, TfliteModelDescription } from '../../tflite';
import { parseArgs } from '../args';
import { formatModelMetadata } from './inspect-metadata';
import { UsageError, type CommandIO } from '../io';

const USAGE = 'liteship inspect <file.tflite> [--json]';

const shape = (t: TensorDescription): string =>
  `[${(t.shapeSignature ?? t.shape).join(', ')}]`;

function quantization(t: TensorDescription): string {
  const q = t.quantization;
  if (q === undefined) return '';
  const list = (values: number[]): string => (values.length > 4 ? `${values.slice(0, 3).join(', ')}, ... (${values.length})` : values.join(', '));
  const axis = q.scale.length > 1 ? ` axis ${q.quantizedDimension}` : '';
  return ` scale ${list(q.scale.map((s) => Number(s.toPrecision(6))))} zero_point ${list(q.zeroPoint)}${axis}`;
}

function formatOptions(options: Record<string, unknown> | undefined): string {
  if (options === undefined) return '';
  return ' ' + Object.entries(options).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`).join(' ');
}

const percent = (part: number, whole: number): string => `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`;

export function formatDescription(file: string, d: TfliteModelDescription): string {
  const budget = byteBudget(d);
  const lines: string[] = [];
  lines.push(`${file}: ${d.fileBytes} bytes, schema version ${d.schemaVersion}, description ${JSON.stringify(d.description ?? '')}`);
  lines.push(`min_runtime_version: ${d.minRuntimeVersion ?? '(not recorded)'}`);
  lines.push('', 'inputs:');
  for (const t of d.inputs) lines.push(`  #${t.index} ${t.name} ${t.typeName} ${shape(t)}${quantization(t)}`);
  lines.push('outputs:');
  for (const t of d.outputs) lines.push(`  #${t.index} ${t.name} ${t.typeName} ${shape(t)}${quantization(t)}`);
  lines.push('', `signatures (${d.signatures.length}):`);
  for (const s of d.signatures) {
    const maps = (m: Array<{ name: string; tensorIndex: number }>): string => m.map((x) => `${x.name}=#${x.tensorIndex}`).join(', ');
    lines.push(`  ${s.key} (subgraph ${s.subgraphIndex}): inputs ${maps(s.inputs)}; outputs ${maps(s.outputs)}`);
  }
  lines.push('', `operator codes: ${d.operatorCodes.map((c) => `${c.name} v${c.version}`).join(', ')}`);
  lines.push(`ops (${d.operators.length}):`);
  for (const op of d.operators) {
    lines.push(`  #${op.index} ${op.name} v${op.version} in [${op.inputs.join(', ')}] out [${op.outputs.join(', ')}]${formatOptions(op.options)}`);
  }
  lines.push('', `tensors (${d.tensors.length}):`);
  for (const t of d.tensors) {
    const data = t.dataBytes > 0 ? ` ${t.dataBytes} bytes` : '';
    lines.push(`  #${t.index} ${t.name} ${t.typeName} ${shape(t)}${data}${quantization(t)}${t.sparse ? ' sparse' : ''}`);
  }
  lines.push('', `metadata (${d.metadata.length}):`);
  for (const m of d.metadata) lines.push(`  ${m.name}: buffer ${m.buffer}, ${m.bytes} bytes${m.text === undefined ? '' : ` = ${JSON.stringify(m.text)}`}`);
  lines.push(...formatModelMetadata(d));
  lines.push('', 'bytes:');
  lines.push(`  weights    ${budget.weightBytes} (${percent(budget.weightBytes, budget.fileBytes)})`);
  for (const layer of budget.layers) {
    lines.push(`    ${layer.layer}: ${layer.bytes} in ${layer.tensors} tensor(s) (${percent(layer.bytes, budget.fileBytes)})`);
  }
  lines.push(`  metadata   ${budget.metadataBytes} (${percent(budget.metadataBytes, budget.fileBytes)})`);
  lines.push(`  structure  ${budget.structureBytes} (${percent(budget.structureBytes, budget.fileBytes)}): tables, names, shapes, alignment`);
  return lines.join('\n') + '\n';
}

export async function inspectCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [file, ...extra] = args.positionals;
  if (file === undefined || extra.length > 0) throw new UsageError(`usage: ${USAGE}`);
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file} (${err.code ?? err.message})`);
  });
  let description: TfliteModelDescription;
  try {
    description = readTflite(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    if (err instanceof InvalidTfliteError) {
      io.stderr(`liteship inspect: ${file}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (args.flags.json === true) io.stdout(JSON.stringify({ file, ...description, bytes: byteBudget(description) }, null, 2) + '\n');
  else io.stdout(formatDescription(file, description));
  return 0;
}

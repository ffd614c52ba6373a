// Per-op timings of one session run, for bench/profile-step.ts: TensorFlow fills a
// RunMetadata when the run asks for a trace (RunOptions.trace_level). Only the few
// fields used here are decoded (protobuf wire format, tensorflow/core/framework/step_stats.proto):
// RunMetadata.step_stats(1) -> StepStats.dev_stats(1) -> DeviceStepStats.node_stats(2) ->
// NodeExecStats { node_name 1, all_start_micros 2, op_start_rel_micros 3, op_end_rel_micros 4, timeline_label 8, thread_id 10 }.

/** RunOptions { trace_level: FULL_TRACE (3) }, serialized. */
export const FULL_TRACE_RUN_OPTIONS = new Uint8Array([0x08, 0x03]);

export interface NodeStat {
  name: string;
  /** "name = OpType(inputs)": the op type after Grappler's rewrites (fusions show here). */
  label: string;
  startMicros: number;
  opMicros: number;
  thread: number;
}

type Field = { field: number; wire: number; value: number | Uint8Array };

function* fields(bytes: Uint8Array): Generator<Field> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { field, wire, value: varint() };
    else if (wire === 2) {
      const len = varint();
      yield { field, wire, value: bytes.subarray(pos, pos + len) };
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
}

const sub = (bytes: Uint8Array, field: number): Uint8Array[] => [...fields(bytes)].filter((f) => f.field === field && f.wire === 2).map((f) => f.value as Uint8Array);

/** Every node's timing in a serialized RunMetadata. */
export function nodeStats(runMetadata: Uint8Array): NodeStat[] {
  const text = new TextDecoder();
  const out: NodeStat[] = [];
  for (const stepStats of sub(runMetadata, 1)) {
    for (const device of sub(stepStats, 1)) {
      for (const node of sub(device, 2)) {
        const stat: NodeStat = { name: '', label: '', startMicros: 0, opMicros: 0, thread: 0 };
        let opStart = 0;
        let opEnd = 0;
        for (const f of fields(node)) {
          if (f.field === 1 && f.wire === 2) stat.name = text.decode(f.value as Uint8Array);
          else if (f.field === 8 && f.wire === 2) stat.label = text.decode(f.value as Uint8Array);
          else if (f.field === 2 && f.wire === 0) stat.startMicros = f.value as number;
          else if (f.field === 3 && f.wire === 0) opStart = f.value as number;
          else if (f.field === 4 && f.wire === 0) opEnd = f.value as number;
          else if (f.field === 10 && f.wire === 0) stat.thread = f.value as number;
        }
        stat.opMicros = opEnd - opStart;
        out.push(stat);
      }
    }
  }
  return out;
}

/** The op type in a timeline label ("conv1/conv = _FusedConv2D(x, w, b)" -> "_FusedConv2D"). */
export function opType(stat: NodeStat): string {
  const match = / = ([\w:]+)\(/.exec(stat.label);
  return match?.[1] ?? stat.name;
}

/** Set by a profiler (bench/profile-step.ts): the compiled runner then traces every step and reports it here. */
export const stepProfiler: { onStep?: (runMetadata: Uint8Array, sessionMs: number) => void } = {};

// A thin typed layer over the addon's addOp: named TensorFlow ops with their
// attributes, so the per-layer files (./layers) read like the math they build.
import type { Attr, GraphAddon, InputRef, OutputRef } from './addon';

/** TensorFlow's TF_DataType values (tensorflow/c/tf_datatype.h). */
export const DT = { float: 1, int32: 3, bool: 10, resource: 20 } as const;

export type Out = OutputRef;

export class GraphBuilder {
  readonly graph: object;
  private names = new Map<string, number>();

  constructor(readonly addon: GraphAddon) {
    this.graph = addon.newGraph();
  }

  /** Adds an op; returns its index (outputs are [index, k]). Names are made unique. */
  op(type: string, inputs: readonly InputRef[], attrs: readonly Attr[] = [], name = type, control: readonly number[] = []): number {
    const count = this.names.get(name) ?? 0;
    this.names.set(name, count + 1);
    return this.addon.addOp(this.graph, type, count === 0 ? name : `${name}_${count}`, inputs, attrs, control);
  }

  /** The first output of a new op of a float ('T' = float) kind. */
  f(type: string, inputs: readonly InputRef[], attrs: readonly Attr[] = [], name = type): Out {
    return [this.op(type, inputs, [['T', 'type', DT.float], ...attrs], name), 0];
  }

  constFloat(values: Float32Array | number, shape: readonly number[] = [], name = 'const'): Out {
    const data = typeof values === 'number' ? new Float32Array([values]) : values;
    return [this.op('Const', [], [['dtype', 'type', DT.float], ['value', 'tensor', [DT.float, shape, data]]], name), 0];
  }

  constInt(values: readonly number[], shape: readonly number[] = [values.length], name = 'const'): Out {
    return [this.op('Const', [], [['dtype', 'type', DT.int32], ['value', 'tensor', [DT.int32, shape, Int32Array.from(values)]]], name), 0];
  }

  placeholder(dtype: number, shape: readonly number[], name: string): Out {
    return [this.op('Placeholder', [], [['dtype', 'type', dtype], ['shape', 'shape', shape]], name), 0];
  }

  /** Int32 shape of a tensor (for ops whose batch dimension is known only at run time). */
  shape(x: Out): Out {
    return [this.op('Shape', [x], [['T', 'type', DT.float], ['out_type', 'type', DT.int32]]), 0];
  }

  reshape(x: Out, shape: Out): Out {
    return this.f('Reshape', [x, shape], [['Tshape', 'type', DT.int32]]);
  }

  /** A NoOp that runs after `ops`: one target (or control input) for many. */
  group(ops: readonly number[], name = 'group'): number {
    return this.op('NoOp', [], [], name, ops);
  }
}

/** One float32 resource variable: its handle, its value as read in the step, and an assign op fed by a placeholder. */
export class GraphVariable {
  readonly handle: Out;
  readonly value: Out;
  readonly feed: Out;
  readonly assign: number;

  constructor(
    g: GraphBuilder,
    readonly shape: readonly number[],
    name: string,
    sharedName: string,
  ) {
    const dtype: Attr = ['dtype', 'type', DT.float];
    this.handle = [g.op('VarHandleOp', [], [dtype, ['shape', 'shape', shape], ['shared_name', 'string', sharedName], ['container', 'string', '']], name), 0];
    this.value = [g.op('ReadVariableOp', [this.handle], [dtype], `${name}/read`), 0];
    this.feed = g.placeholder(DT.float, shape, `${name}/feed`);
    this.assign = g.op('AssignVariableOp', [this.handle, this.feed], [dtype], `${name}/assign`);
  }
}

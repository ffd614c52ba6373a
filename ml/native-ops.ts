/**
 * TensorFlow ops called straight through tfjs-node's backend, for the training
 * step runners of ml/loop on the `tensorflow` backend.
 *
 * Each tfjs op on tfjs-node costs its own dispatch: the engine's kernel lookup,
 * tape recording and scope bookkeeping, then one `TFE_Execute`. A plain 2-D
 * `tf.matMul` becomes three TensorFlow ops (Reshape, BatchMatMulV2, Reshape) and
 * `tf.train.adam` some fourteen ops per weight. Measured on the 2-core machine:
 * a tfjs `tf.add` costs 16-40 µs, the same op through the backend's
 * `executeMultipleOutputs` 10-15 µs, and a recorded op plus its gradient on the
 * tape 60-90 µs. Here ops are executed by the backend directly (their outputs
 * are ordinary tfjs tensors, tracked by `tf.tidy` and `dispose`), including
 * TensorFlow ops tfjs never uses: `SoftmaxCrossEntropyWithLogits`, `ReluGrad`,
 * `BiasAddGrad`, and resource variables with `ResourceApplyAdam`.
 *
 *   const ops = NativeOps.current();           // undefined unless tfjs-node is the active backend
 *   const y = ops.matMul(x, w, false, false);
 */
import * as tf from '@tensorflow/tfjs';
import { adamBetaPower, adamHyperParameters, type AdamState } from './loop/adam-state';

/** One attribute of a TensorFlow op, as tfjs-node's binding takes it. */
interface OpAttr {
  name: string;
  type: number;
  value: string | number | boolean | number[];
}

/** The part of tfjs-node's binding (its `TF_*` constants) used here. */
interface Binding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_BOOL: number;
  TF_ATTR_STRING: number;
  TF_ATTR_INT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_SHAPE: number;
}

/** The part of tfjs-node's `NodeJSKernelBackend` used here. */
interface NodeBackend {
  binding: Binding;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
}

function isNodeBackend(backend: unknown): backend is NodeBackend {
  const b = backend as Partial<NodeBackend> | null;
  return typeof b?.executeMultipleOutputs === 'function' && typeof b.binding?.TF_ATTR_TYPE === 'number';
}

// Resource variables are named in TensorFlow's per-process resource manager: the
// names must not collide, also across separately loaded copies of this module.
const runId = `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
let nextVariable = 0;

export class NativeOps {
  private readonly b: Binding;
  private readonly attrs: {
    float: OpAttr[];
    matMul: Record<'nn' | 'tn' | 'nt', OpAttr[]>;
    sum: OpAttr[];
    argMax: OpAttr[];
    gather: Record<'float32' | 'int32', OpAttr[]>;
    equalInt: OpAttr[];
    castBoolToFloat: OpAttr[];
    sparseXent: OpAttr[];
    readVariable: OpAttr[];
    assignVariable: OpAttr[];
    applyAdam: OpAttr[];
    destroy: OpAttr[];
  };
  /** Constant int32 tensors the ops take as inputs (axes). */
  private readonly zero: tf.Scalar;
  private readonly one: tf.Scalar;
  private readonly axis0: tf.Tensor1D;

  /** The ops of the active backend, or undefined when it is not tfjs-node. */
  static current(): NativeOps | undefined {
    if (tf.getBackend() !== 'tensorflow') return undefined;
    const backend = tf.backend();
    if (!isNodeBackend(backend)) return undefined;
    let ops = cache.get(backend);
    if (!ops) {
      ops = new NativeOps(backend);
      cache.set(backend, ops);
    }
    return ops;
  }

  private constructor(private readonly backend: NodeBackend) {
    const b = (this.b = backend.binding);
    const type = (name: string, dtype = b.TF_FLOAT): OpAttr => ({ name, type: b.TF_ATTR_TYPE, value: dtype });
    const bool = (name: string, value: boolean): OpAttr => ({ name, type: b.TF_ATTR_BOOL, value });
    const matMul = (ta: boolean, tb: boolean): OpAttr[] => [type('T'), bool('transpose_a', ta), bool('transpose_b', tb)];
    this.attrs = {
      float: [type('T')],
      matMul: { nn: matMul(false, false), tn: matMul(true, false), nt: matMul(false, true) },
      sum: [type('T'), type('Tidx', b.TF_INT32), bool('keep_dims', false)],
      argMax: [type('T'), type('Tidx', b.TF_INT32), type('output_type', b.TF_INT32)],
      gather: {
        float32: [type('Tparams'), type('Tindices', b.TF_INT32), type('Taxis', b.TF_INT32)],
        int32: [type('Tparams', b.TF_INT32), type('Tindices', b.TF_INT32), type('Taxis', b.TF_INT32)],
      },
      equalInt: [type('T', b.TF_INT32)],
      castBoolToFloat: [type('SrcT', b.TF_BOOL), type('DstT')],
      sparseXent: [type('T'), type('Tlabels', b.TF_INT32)],
      readVariable: [type('dtype')],
      assignVariable: [type('dtype')],
      applyAdam: [type('T'), bool('use_locking', false), bool('use_nesterov', false)],
      destroy: [bool('ignore_lookup_error', true)],
    };
    // Kept for the life of the process (a few bytes), outside any tidy scope.
    [this.zero, this.one, this.axis0] = tf.tidy(() => [tf.keep(tf.scalar(0, 'int32')), tf.keep(tf.scalar(1, 'int32')), tf.keep(tf.tensor1d([0], 'int32'))]);
  }

  private run(op: string, attrs: OpAttr[], inputs: tf.Tensor[], numOutputs = 1): tf.Tensor[] {
    return this.backend.executeMultipleOutputs(op, attrs, inputs, numOutputs);
  }

  private one1(op: string, attrs: OpAttr[], inputs: tf.Tensor[]): tf.Tensor {
    return this.run(op, attrs, inputs, 1)[0]!;
  }

  /** a·b for 2-D float tensors, either operand transposed ('tn': aᵀ·b, 'nt': a·bᵀ). */
  matMul(a: tf.Tensor, b: tf.Tensor, transpose: 'nn' | 'tn' | 'nt' = 'nn'): tf.Tensor2D {
    return this.one1('MatMul', this.attrs.matMul[transpose], [a, b]) as tf.Tensor2D;
  }

  /** x + bias along the last axis. */
  biasAdd(x: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
    return this.one1('BiasAdd', this.attrs.float, [x, bias]) as tf.Tensor2D;
  }

  /** The bias gradient: dy summed over every axis but the last. */
  biasAddGrad(dy: tf.Tensor): tf.Tensor1D {
    return this.one1('BiasAddGrad', this.attrs.float, [dy]) as tf.Tensor1D;
  }

  relu(x: tf.Tensor): tf.Tensor2D {
    return this.one1('Relu', this.attrs.float, [x]) as tf.Tensor2D;
  }

  /** dy where `features` > 0, else 0 (`features` may be the ReLU's input or its output). */
  reluGrad(dy: tf.Tensor, features: tf.Tensor): tf.Tensor2D {
    return this.one1('ReluGrad', this.attrs.float, [dy, features]) as tf.Tensor2D;
  }

  mul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.one1('Mul', this.attrs.float, [a, b]);
  }

  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.one1('AddV2', this.attrs.float, [a, b]);
  }

  /** Sum over every axis of a 1-D float tensor: a scalar. */
  sum1d(x: tf.Tensor): tf.Scalar {
    return this.one1('Sum', this.attrs.sum, [x, this.axis0]) as tf.Scalar;
  }

  /** Rows `indices` of x (float32 or int32). */
  gather(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
    const attrs = x.dtype === 'int32' ? this.attrs.gather.int32 : this.attrs.gather.float32;
    return this.one1('GatherV2', attrs, [x, indices, this.zero]);
  }

  /** Index of the largest value of each row of a 2-D float tensor (int32). */
  argMaxRows(x: tf.Tensor): tf.Tensor1D {
    return this.one1('ArgMax', this.attrs.argMax, [x, this.one]) as tf.Tensor1D;
  }

  /** How many entries of two int32 vectors are equal, as a float32 scalar. */
  countEqual(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
    const equal = this.one1('Equal', this.attrs.equalInt, [a, b]);
    const asFloat = this.one1('Cast', this.attrs.castBoolToFloat, [equal]);
    equal.dispose();
    const count = this.sum1d(asFloat);
    asFloat.dispose();
    return count;
  }

  /**
   * Softmax cross-entropy from logits, one fused TensorFlow op: per-row loss and
   * its gradient with respect to the logits (softmax(logits) - labels).
   */
  softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): { loss: tf.Tensor1D; dLogits: tf.Tensor2D } {
    const [loss, dLogits] = this.run('SoftmaxCrossEntropyWithLogits', this.attrs.float, [logits, labels], 2);
    return { loss: loss as tf.Tensor1D, dLogits: dLogits as tf.Tensor2D };
  }

  /** The same with int32 class indices as labels. */
  sparseSoftmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): { loss: tf.Tensor1D; dLogits: tf.Tensor2D } {
    const [loss, dLogits] = this.run('SparseSoftmaxCrossEntropyWithLogits', this.attrs.sparseXent, [logits, labels], 2);
    return { loss: loss as tf.Tensor1D, dLogits: dLogits as tf.Tensor2D };
  }

  /** A new float32 TensorFlow resource variable holding a copy of `value`; release it with destroyVariable. */
  createVariable(value: tf.Tensor): tf.Tensor {
    const b = this.b;
    const handle = this.one1(
      'VarHandleOp',
      [
        { name: 'container', type: b.TF_ATTR_STRING, value: '' },
        { name: 'shared_name', type: b.TF_ATTR_STRING, value: `liteship_${runId}_${nextVariable++}` },
        { name: 'dtype', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
        { name: 'shape', type: b.TF_ATTR_SHAPE, value: value.shape },
      ],
      [],
    );
    this.assignVariable(handle, value);
    return handle;
  }

  assignVariable(handle: tf.Tensor, value: tf.Tensor): void {
    this.run('AssignVariableOp', this.attrs.assignVariable, [handle, value], 0);
  }

  /** The variable's current value (TensorFlow shares the buffer until the variable is next written). */
  readVariable(handle: tf.Tensor): tf.Tensor {
    return this.one1('ReadVariableOp', this.attrs.readVariable, [handle]);
  }

  /** Frees the variable in TensorFlow's resource manager and disposes its handle. */
  destroyVariable(handle: tf.Tensor): void {
    this.run('DestroyResourceOp', this.attrs.destroy, [handle], 0);
    handle.dispose();
  }

  /**
   * TensorFlow's fused Adam update of one variable, in place:
   *   m += (g - m)(1 - beta1);  v += (g² - v)(1 - beta2);
   *   var -= lr·sqrt(1 - beta2Power)/(1 - beta1Power) · m / (sqrt(v) + epsilon)
   */
  applyAdam(
    variable: tf.Tensor,
    m: tf.Tensor,
    v: tf.Tensor,
    scalars: { beta1Power: tf.Tensor; beta2Power: tf.Tensor; lr: tf.Tensor; beta1: tf.Tensor; beta2: tf.Tensor; epsilon: tf.Tensor },
    grad: tf.Tensor,
  ): void {
    const s = scalars;
    this.run('ResourceApplyAdam', this.attrs.applyAdam, [variable, m, v, s.beta1Power, s.beta2Power, s.lr, s.beta1, s.beta2, s.epsilon, grad], 0);
  }
}

const cache = new WeakMap<object, NativeOps>();

/**
 * tf.train.adam's update, element for element, with the weights and moments in
 * TensorFlow resource variables: one `ResourceApplyAdam` per weight tensor per
 * step instead of ~14 tfjs ops. tfjs adds epsilon to the bias-corrected
 * sqrt(v / (1 - beta2^t)); TensorFlow's op adds it to sqrt(v); passing
 * epsilon·sqrt(1 - beta2^t) to the op gives tfjs' formula exactly (up to
 * float32 rounding). It starts from `state` (a resumed run's step count and
 * moments) and hands its own back through `state()`.
 */
export class NativeAdam {
  private readonly vars: tf.Tensor[];
  private readonly ms: tf.Tensor[];
  private readonly vs: tf.Tensor[];
  private readonly consts: { lr: tf.Scalar; beta1: tf.Scalar; beta2: tf.Scalar };
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private iterations: number;
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    private readonly ops: NativeOps,
    optimizer: tf.AdamOptimizer,
    initial: tf.Tensor[],
    state: AdamState = { iterations: 0, m: [], v: [] },
  ) {
    const { learningRate, beta1, beta2, epsilon } = adamHyperParameters(optimizer);
    this.beta1 = Math.fround(beta1);
    this.beta2 = Math.fround(beta2);
    this.epsilon = epsilon;
    this.iterations = state.iterations;
    this.accBeta1 = adamBetaPower(beta1, state.iterations);
    this.accBeta2 = adamBetaPower(beta2, state.iterations);
    this.consts = { lr: tf.scalar(learningRate), beta1: tf.scalar(beta1), beta2: tf.scalar(beta2) };
    this.vars = [];
    this.ms = [];
    this.vs = [];
    try {
      initial.forEach((w, i) => {
        this.vars.push(ops.createVariable(w));
        tf.tidy(() => {
          const zeros = state.m[i] && state.v[i] ? undefined : tf.zerosLike(w);
          this.ms.push(tf.keep(ops.createVariable(state.m[i] ?? zeros!)));
          this.vs.push(tf.keep(ops.createVariable(state.v[i] ?? zeros!)));
        });
      });
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  /** The current weights, in the order given to the constructor (new tensors: dispose them). */
  read(): tf.Tensor[] {
    return this.vars.map((v) => this.ops.readVariable(v));
  }

  /** Weight `i`'s current value (a new tensor). */
  readOne(i: number): tf.Tensor {
    return this.ops.readVariable(this.vars[i]!);
  }

  /** Overwrites weight `i` (pruning masks). */
  write(i: number, value: tf.Tensor): void {
    this.ops.assignVariable(this.vars[i]!, value);
  }

  /** Step count and moments (new tensors: dispose them). */
  state(): AdamState {
    return { iterations: this.iterations, m: this.ms.map((h) => this.ops.readVariable(h)), v: this.vs.map((h) => this.ops.readVariable(h)) };
  }

  /** One Adam step; `grads` in the order of the weights. */
  apply(grads: tf.Tensor[]): void {
    // tf.train.adam keeps beta^t in float32 variables; Math.fround reproduces that arithmetic.
    this.accBeta1 = Math.fround(this.accBeta1 * this.beta1);
    this.accBeta2 = Math.fround(this.accBeta2 * this.beta2);
    this.iterations++;
    const beta1Power = tf.scalar(this.accBeta1);
    const beta2Power = tf.scalar(this.accBeta2);
    const epsilon = tf.scalar(this.epsilon * Math.sqrt(1 - this.accBeta2));
    try {
      const scalars = { ...this.consts, beta1Power, beta2Power, epsilon };
      grads.forEach((g, i) => this.ops.applyAdam(this.vars[i]!, this.ms[i]!, this.vs[i]!, scalars, g));
    } finally {
      tf.dispose([beta1Power, beta2Power, epsilon]);
    }
  }

  /** apply(), then frees `grads`; if the update throws, `alsoFree` (the step's results) is freed too. */
  applyAndFree(grads: tf.Tensor[], alsoFree: tf.Tensor[]): void {
    try {
      this.apply(grads);
    } catch (err) {
      tf.dispose(alsoFree);
      throw err;
    } finally {
      tf.dispose(grads);
    }
  }

  dispose(): void {
    for (const handle of [...this.vars, ...this.ms, ...this.vs]) this.ops.destroyVariable(handle);
    this.vars.length = this.ms.length = this.vs.length = 0;
    tf.dispose(Object.values(this.consts));
  }
}

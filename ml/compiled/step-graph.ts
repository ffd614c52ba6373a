// The whole training step as one TensorFlow graph: forward pass of the planned
// layers, softmax cross-entropy from the logits (as Keras computes a softmax
// output's loss), the backward pass layer by layer, and one ResourceApplyAdam per
// trainable weight. One session call runs it per batch, so TensorFlow's Grappler
// optimizes it as it does Keras' compiled train function (e.g. the remapper fuses
// Conv2D + BiasAdd + Relu for oneDNN).
import type * as tf from '@tensorflow/tfjs';
import type { GraphAddon } from './addon';
import { DT, GraphBuilder, GraphVariable, type Out } from './graph';
import type { CompiledPlan } from './plan';

export interface StepGraphOptions {
  /** Labels are class indices (sparse categorical cross-entropy), else one-hot. */
  sparse: boolean;
  wantsAccuracy: boolean;
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Unique prefix for the variables' shared names. */
  prefix: string;
}

export interface StepGraph {
  g: GraphBuilder;
  sparse: boolean;
  /** Every weight of the planned layers (trainable or not) as a graph variable. */
  variables: Map<tf.LayerVariable, GraphVariable>;
  /** Adam's moments, in the order of model.trainableWeights. */
  m: GraphVariable[];
  v: GraphVariable[];
  feeds: { x: Out; labels: Out; step: Out; scale: Out; beta1Power: Out; beta2Power: Out; epsilon: Out };
  lossSum: Out;
  correct?: Out;
  /** Runs the optimizer and every layer update. */
  train: number;
}

export function buildStepGraph(addon: GraphAddon, plan: CompiledPlan, trainable: readonly tf.LayerVariable[], opts: StepGraphOptions): StepGraph {
  const g = new GraphBuilder(addon);
  let nextVar = 0;
  const newVariable = (shape: readonly number[], name: string): GraphVariable => new GraphVariable(g, shape, name, `${opts.prefix}_${nextVar++}`);
  const variables = new Map<tf.LayerVariable, GraphVariable>();
  const variable = (w: tf.LayerVariable): GraphVariable => {
    let v = variables.get(w);
    if (!v) {
      v = newVariable(w.shape as number[], `var_${variables.size}`);
      variables.set(w, v);
    }
    return v;
  };
  for (const p of plan.layers) p.layer.weights.forEach(variable);

  const feeds = {
    x: g.placeholder(DT.float, [-1, ...plan.inputShape], 'x'),
    labels: opts.sparse ? g.placeholder(DT.int32, [-1], 'labels') : g.placeholder(DT.float, [-1, plan.numClasses], 'labels'),
    step: g.placeholder(DT.int32, [], 'step'),
    scale: g.placeholder(DT.float, [], 'scale'),
    beta1Power: g.placeholder(DT.float, [], 'beta1_power'),
    beta2Power: g.placeholder(DT.float, [], 'beta2_power'),
    epsilon: g.placeholder(DT.float, [], 'epsilon'),
  };

  // Forward. `needsGrad`: the tensor depends on a trainable weight, so its gradient is worth building.
  const tensors = new Map<number, Out>([[plan.input.id, feeds.x]]);
  const needsGrad = new Map<number, boolean>([[plan.input.id, false]]);
  const isTrainable = new Set(trainable);
  const builds = plan.layers.map((p) => {
    const inputs = p.inputs.map((t) => tensors.get(t.id)!);
    const inputShapes = p.inputs.map((t) => t.shape.slice(1) as number[]);
    const build = p.kind.build({ g, layer: p.layer, config: p.config, inputs, inputShapes, variable, step: feeds.step, batchScale: feeds.scale, isOutput: p.isOutput });
    tensors.set(p.output.id, build.y);
    needsGrad.set(p.output.id, p.inputs.some((t) => needsGrad.get(t.id)) || p.layer.weights.some((w) => isTrainable.has(w)));
    return build;
  });
  const logits = tensors.get(plan.output.id)!;

  // Loss: per-sample cross-entropy and its gradient with respect to the logits, one op.
  const xent = opts.sparse
    ? g.op('SparseSoftmaxCrossEntropyWithLogits', [logits, feeds.labels], [['T', 'type', DT.float], ['Tlabels', 'type', DT.int32]], 'xent')
    : g.op('SoftmaxCrossEntropyWithLogits', [logits, feeds.labels], [['T', 'type', DT.float]], 'xent');
  const axis0 = g.constInt([0], [1], 'axis0');
  const sum = (x: Out, name: string): Out => g.f('Sum', [x, axis0], [['Tidx', 'type', DT.int32], ['keep_dims', 'bool', false]], name);
  const lossSum = sum([xent, 0], 'loss_sum');
  let correct: Out | undefined;
  if (opts.wantsAccuracy) {
    const axis1 = g.constInt([1], [], 'axis1');
    const argMax = (x: Out, name: string): Out => [g.op('ArgMax', [x, axis1], [['T', 'type', DT.float], ['Tidx', 'type', DT.int32], ['output_type', 'type', DT.int32]], name), 0];
    const truth = opts.sparse ? feeds.labels : argMax(feeds.labels, 'label_class');
    const equal: Out = [g.op('Equal', [argMax(logits, 'predicted_class'), truth], [['T', 'type', DT.int32]], 'equal'), 0];
    const asFloat: Out = [g.op('Cast', [equal], [['SrcT', 'type', DT.bool], ['DstT', 'type', DT.float]], 'correct_float'), 0];
    correct = sum(asFloat, 'correct');
  }

  // Backward: the loss is the batch mean, so every sample's gradient is scaled by 1 / size.
  const grads = new Map<number, Out[]>([[plan.output.id, [g.f('Mul', [[xent, 1], feeds.scale], [], 'logits_grad')]]]);
  const weightGrads = new Map<tf.LayerVariable, Out>();
  for (let i = plan.layers.length - 1; i >= 0; i--) {
    const p = plan.layers[i]!;
    const incoming = grads.get(p.output.id);
    if (!incoming) continue; // does not reach the loss
    const dy = incoming.length === 1 ? incoming[0]! : g.f('AddN', [incoming], [['N', 'int', incoming.length]], `${p.layer.name}/grad_sum`);
    const needInput = p.inputs.map((t) => needsGrad.get(t.id) === true);
    const { dx, dWeights } = builds[i]!.backward(dy, needInput);
    p.inputs.forEach((t, k) => {
      if (!needInput[k] || !dx[k]) return;
      grads.set(t.id, [...(grads.get(t.id) ?? []), dx[k]]);
    });
    dWeights.forEach((grad, w) => weightGrads.set(w, grad));
  }

  // Adam after the whole backward pass: the forward reads of the weights are released
  // by then, so TensorFlow updates the variables in place.
  const backwardDone = g.group(trainable.map((w) => {
    const grad = weightGrads.get(w);
    if (!grad) throw new Error(`the compiled step built no gradient for weight ${w.name}`);
    return grad[0];
  }), 'backward_done');
  const lr = g.constFloat(opts.learningRate, [], 'lr');
  const beta1 = g.constFloat(opts.beta1, [], 'beta1');
  const beta2 = g.constFloat(opts.beta2, [], 'beta2');
  const m: GraphVariable[] = [];
  const v: GraphVariable[] = [];
  const updates = trainable.map((w, i) => {
    m.push(newVariable(w.shape as number[], `m_${i}`));
    v.push(newVariable(w.shape as number[], `v_${i}`));
    const inputs = [variable(w).handle, m[i]!.handle, v[i]!.handle, feeds.beta1Power, feeds.beta2Power, lr, beta1, beta2, feeds.epsilon, weightGrads.get(w)!];
    return g.op('ResourceApplyAdam', inputs, [['T', 'type', DT.float], ['use_locking', 'bool', false], ['use_nesterov', 'bool', false]], `adam_${i}`, [backwardDone]);
  });
  const layerUpdates = builds.flatMap((b) => b.updates ?? []);
  const train = g.group([...updates, ...layerUpdates], 'train');
  return { g, sparse: opts.sparse, variables, m, v, feeds, lossSum, ...(correct ? { correct } : {}), train };
}

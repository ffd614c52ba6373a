/**
 * The training step of a stack of Dense layers (liteship's MLP: Flatten, Dense
 * relu, Dense softmax) on tfjs-node, written out as the TensorFlow ops it needs
 * and nothing else: the epoch loop (ml/loop) uses it when `planDenseStack` accepts
 * the model and the active backend is `tensorflow`.
 *
 * Per batch of the MLP (batch 128) that is 31 TensorFlow ops executed straight
 * through the backend (ml/native-ops.ts): two gathers, MatMul/BiasAdd/Relu per
 * layer, one fused SoftmaxCrossEntropyWithLogits (loss and its gradient, as Keras
 * computes a softmax output's cross-entropy), MatMul/BiasAddGrad/ReluGrad back,
 * one ResourceApplyAdam and one ReadVariableOp per weight, six ops for the loss
 * and accuracy sums and the loop's two running totals. The generic tape path (model.apply under tf.variableGrads,
 * tfjs' loss, FlatAdam) made 108 TensorFlow ops, 52 tensor uploads and 163 handle
 * deletions per step, each op also going through tfjs' engine and tape. Timed on
 * the 2-core development machine: 11.7 ms per step there (8.5 ms inside the
 * binding's calls, 3.3 ms in tfjs' engine and tape), 2.1-2.9 ms here (0.3-0.4 ms
 * outside the binding's calls; MatMul 0.9-1.3 ms of it).
 *
 * The arithmetic is the model's: same weights, same Adam (ml/native-ops.ts
 * NativeAdam), the loss is the mean categorical cross-entropy of the softmax
 * output. One difference: tfjs computes the loss from probabilities clipped to
 * [1e-7, 1 - 1e-7], so it caps a sample's loss at 16.1 and passes no gradient
 * through a clipped probability; computed from the logits (as Keras does), the
 * loss is exact and the gradient is softmax - labels everywhere. The two agree
 * wherever no predicted probability is below 1e-7.
 *
 * Weights live in TensorFlow resource variables during training; `syncModel`
 * writes them back into the model (the loop does before every checkpoint and
 * when it stops).
 */
import * as tf from '@tensorflow/tfjs';
import type { NativeOps } from './native-ops';
import { NativeAdam } from './native-ops';
import type { AdamState } from './loop/adam-state';

interface DenseLayerPlan {
  /** Index of the kernel (and the bias, when the layer has one) in `DenseStackPlan.weights`. */
  kernel: number;
  bias?: number;
  /** ReLU after this layer (hidden layers only; the last layer is softmax). */
  relu: boolean;
}

export interface DenseStackPlan {
  layers: DenseLayerPlan[];
  /** Every trainable weight of the model, in the order the layers use them. */
  weights: tf.LayerVariable[];
  /** Features per sample after flattening. */
  inputSize: number;
}

interface LayerConfig {
  activation?: string;
  useBias?: boolean;
  kernelRegularizer?: unknown;
  biasRegularizer?: unknown;
  activityRegularizer?: unknown;
  kernelConstraint?: unknown;
  biasConstraint?: unknown;
}

/**
 * The plan for training `model` as a dense stack, or why it cannot be:
 * a Sequential model of [Flatten], Dense (relu or linear)..., Dense softmax,
 * float32, every weight trainable, no regularizers or constraints.
 */
export function planDenseStack(model: tf.LayersModel): DenseStackPlan | string {
  if (!(model instanceof tf.Sequential)) return 'not a Sequential model';
  const inputShape = model.inputs[0]?.shape.slice(1) ?? [];
  if (inputShape.some((d) => d == null)) return 'the input shape is not fully known';
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const flatten = layers[0]?.getClassName() === 'Flatten';
  const dense = flatten ? layers.slice(1) : layers;
  if (dense.length === 0) return 'no Dense layers';
  const other = dense.find((l) => l.getClassName() !== 'Dense');
  if (other) return `layer ${other.name} is a ${other.getClassName()}`;
  if (!flatten && inputShape.length !== 1) return `inputs of rank ${inputShape.length + 1} without a leading Flatten layer`;
  const inputSize = (inputShape as number[]).reduce((a, d) => a * d, 1);
  const plan: DenseStackPlan = { layers: [], weights: [], inputSize };
  for (const [i, layer] of dense.entries()) {
    const config = layer.getConfig() as LayerConfig;
    const activation = config.activation ?? 'linear';
    const last = i === dense.length - 1;
    if (last ? activation !== 'softmax' : activation !== 'relu' && activation !== 'linear') {
      return `layer ${layer.name} has activation ${activation}`;
    }
    const extras = [config.kernelRegularizer, config.biasRegularizer, config.activityRegularizer, config.kernelConstraint, config.biasConstraint];
    if (extras.some((e) => e != null)) return `layer ${layer.name} has a regularizer or constraint`;
    const weights = layer.trainableWeights;
    const useBias = config.useBias !== false;
    if (!layer.trainable || layer.nonTrainableWeights.length > 0 || weights.length !== (useBias ? 2 : 1)) {
      return `layer ${layer.name} has non-trainable weights`;
    }
    if (weights.some((w) => w.dtype !== 'float32')) return `layer ${layer.name} is not float32`;
    const kernel = plan.weights.push(weights[0]!) - 1;
    const bias = useBias ? plan.weights.push(weights[1]!) - 1 : undefined;
    plan.layers.push({ kernel, ...(bias !== undefined ? { bias } : {}), relu: activation === 'relu' });
  }
  if (model.trainableWeights.length !== plan.weights.length) return 'the model has trainable weights outside its Dense layers';
  return plan;
}

export interface DenseStepResult {
  /** Sum of the batch's per-sample losses. */
  lossSum: tf.Scalar;
  /** Correctly classified samples of the batch, when accuracy is wanted. */
  correct?: tf.Scalar;
}

export class DenseStackTrainer {
  readonly adam: NativeAdam;
  /** 1 / batch size, per batch size seen. */
  private readonly scales = new Map<number, tf.Scalar>();

  constructor(
    private readonly ops: NativeOps,
    private readonly plan: DenseStackPlan,
    optimizer: tf.AdamOptimizer,
    state: AdamState,
    private readonly sparse: boolean,
    private readonly wantsAccuracy: boolean,
  ) {
    this.adam = new NativeAdam(ops, optimizer, plan.weights.map((w) => w.read()), state);
  }

  /** Trains on one batch: inputs `xs` ([size, ...]) and labels `ys` (one-hot, or class indices when sparse). */
  step(xs: tf.Tensor, ys: tf.Tensor, size: number): DenseStepResult {
    const ops = this.ops;
    const { layers } = this.plan;
    const weights = this.adam.read();
    let computed: readonly [tf.Tensor[], DenseStepResult];
    try {
      computed = tf.tidy(() => {
        const x = xs.rank === 2 ? xs : tf.reshape(xs, [size, this.plan.inputSize]);
        const labels = this.sparse
          ? ys.dtype === 'int32' && ys.rank === 1
            ? ys
            : tf.cast(tf.reshape(ys, [-1]), 'int32')
          : ys.dtype === 'float32'
            ? ys
            : tf.cast(ys, 'float32');
        // inputs[i]: the input of layer i (after its predecessor's ReLU).
        const inputs: tf.Tensor[] = [x];
        let logits: tf.Tensor = x;
        layers.forEach((layer, i) => {
          let z: tf.Tensor = ops.matMul(inputs[i]!, weights[layer.kernel]!);
          if (layer.bias !== undefined) z = ops.biasAdd(z, weights[layer.bias]!);
          if (i === layers.length - 1) logits = z;
          else inputs.push(layer.relu ? ops.relu(z) : z);
        });
        const { loss, dLogits } = this.sparse ? ops.sparseSoftmaxCrossEntropy(logits, labels) : ops.softmaxCrossEntropy(logits, labels);
        const lossSum = ops.sum1d(loss);
        // The loss is the batch mean: every sample's gradient is scaled by 1 / size.
        let g: tf.Tensor = ops.mul(dLogits, this.scale(size));
        const grads: tf.Tensor[] = new Array<tf.Tensor>(this.plan.weights.length);
        for (let i = layers.length - 1; i >= 0; i--) {
          const layer = layers[i]!;
          grads[layer.kernel] = ops.matMul(inputs[i]!, g, 'tn');
          if (layer.bias !== undefined) grads[layer.bias] = ops.biasAddGrad(g);
          if (i > 0) {
            const dInput = ops.matMul(g, weights[layer.kernel]!, 'nt');
            g = layers[i - 1]!.relu ? ops.reluGrad(dInput, inputs[i]!) : dInput;
          }
        }
        let correct: tf.Scalar | undefined;
        if (this.wantsAccuracy) {
          const truth = this.sparse ? labels : ops.argMaxRows(labels);
          correct = ops.countEqual(ops.argMaxRows(logits), truth);
        }
        return [grads, { lossSum, ...(correct ? { correct } : {}) }] as const;
      });
    } finally {
      // Released before the update, so TensorFlow updates the variables in place
      // instead of copying them away from these reads.
      tf.dispose(weights);
    }
    const [grads, result] = computed;
    this.adam.applyAndFree(grads, [result.lossSum, ...(result.correct ? [result.correct] : [])]);
    return result;
  }

  /** Writes the trained weights into the model's variables. */
  syncModel(): void {
    const values = this.adam.read();
    try {
      this.plan.weights.forEach((w, i) => w.write(values[i]!));
    } finally {
      tf.dispose(values);
    }
  }

  dispose(): void {
    this.adam.dispose();
    tf.dispose([...this.scales.values()]);
    this.scales.clear();
  }

  private scale(size: number): tf.Scalar {
    let s = this.scales.get(size);
    if (!s) {
      s = tf.keep(tf.scalar(1 / size));
      this.scales.set(size, s);
    }
    return s;
  }
}

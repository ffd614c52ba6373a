// Magnitude pruning during fine-tuning, as TF Model Optimization does it, on the
// one training loop (./loop/epoch-loop.ts) with hooks before and after each step:
// a polynomial-decay sparsity schedule; every `frequency` steps each prunable
// kernel keeps its top-k weights by |w|; the masks are re-applied after every
// optimizer step so pruned weights stay exactly zero (Adam's momentum would
// otherwise move them). No wrapper layers: the model stays a plain tfjs model
// and "stripping" is just dropping the masks, leaving zeros in the kernels.
import * as tf from '@tensorflow/tfjs';
import { streamBatches, type ExampleSource } from './data/batch-source';
import { imageSetBatches, tensorBatches, type BatchSource } from './data/batches';
import type { ImageSet } from './data/image-set';
import { runEpochs } from './loop/epoch-loop';
import type { RunnerOptions, WeightStore } from './loop/step-runners';

export interface SparsitySchedule {
  initialSparsity: number;
  finalSparsity: number;
  beginStep: number;
  endStep: number;
  /** TF MOT's PolynomialDecay default is 3. */
  power?: number;
}

export interface PruneOptions {
  /** Sparsity every prunable kernel reaches at endStep, in [0, 1). */
  targetSparsity: number;
  /** Sparsity of the first mask update (default 0). */
  initialSparsity?: number;
  epochs: number;
  batchSize: number;
  /** Optimizer step at which pruning starts (default 0). */
  beginStep?: number;
  /** Step at which the target is reached (default: the last step of training). */
  endStep?: number;
  /** Steps between mask updates (default 100, as TF MOT). */
  frequency?: number;
  /** Seeds the per-epoch shuffle. */
  seed: number;
  /** Only prune these layers (default: every layer with a prunable kernel). */
  layers?: readonly string[];
  /**
   * Dense kernels only: prune whole blocks of this many consecutive input units
   * feeding one output unit, scored by mean |w| (TF MOT's block pruning). 16
   * matches TFLite's int8 sparse FULLY_CONNECTED kernel (1x16 blocks), 4 its
   * float block kernel. Default 1 (single weights). Conv kernels stay per weight.
   */
  blockSize?: number;
  /** Aborts between steps; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Which step runners may be used (default: the fastest available). */
  runner?: RunnerOptions;
  /**
   * Resume a run checkpointed after this many epochs (default 0): the model must
   * hold that checkpoint's weights and optimizer state. The masks in force are
   * rebuilt from the kernels' zeros, so the resumed run is the uninterrupted one.
   */
  initialEpoch?: number;
}

export interface PruneStep {
  /** Optimizer steps done so far (1-based after the first step). */
  step: number;
  /** Sparsity of the masks currently applied. */
  sparsity: number;
  /** The current values of a layer's prunable kernel (the runner may hold them outside the model). */
  kernel(layer: string): Float32Array;
}

export interface PruneProgress {
  epoch: number;
  /** Batches done in this epoch (1-based). */
  batch: number;
  batchesPerEpoch: number;
  /** Optimizer steps done so far. */
  step: number;
  /** Running mean loss of the epoch. */
  loss: number;
  sparsity: number;
}

export interface PruneHooks {
  /** After every optimizer step, once the masks are re-applied (synchronous: for checks, not I/O). */
  onStep?(p: PruneStep): void;
  /** Throttled progress (about once a second, and after each epoch's last batch): the place to heartbeat. */
  onProgress?(p: PruneProgress): void | Promise<void>;
  /** After each epoch, the model holding its weights, masks and optimizer state (the place to checkpoint). */
  onEpochEnd?(p: { epoch: number; loss: number; sparsity: number }): void | Promise<void>;
}

export interface KernelSparsity {
  layer: string;
  className: string;
  /** Weight name inside the layer, e.g. 'kernel' or 'pointwise_kernel'. */
  weight: string;
  size: number;
  zeros: number;
  sparsity: number;
}

export interface PruneResult {
  steps: number;
  /** The schedule's sparsity at the last mask update. */
  sparsity: number;
  report: KernelSparsity[];
}

/** Which weight of which layer class is pruned (biases never are). */
const PRUNABLE: Readonly<Record<string, readonly string[]>> = {
  Dense: ['kernel'],
  Conv1D: ['kernel'],
  Conv2D: ['kernel'],
  DepthwiseConv2D: ['depthwise_kernel'],
  SeparableConv2D: ['pointwise_kernel'],
};

const DEFAULT_FREQUENCY = 100;

/** s = final + (initial - final) * (1 - p)^power, p = clamp((step - begin) / (end - begin), 0, 1). */
export function polynomialDecaySparsity(step: number, schedule: SparsitySchedule): number {
  const { initialSparsity, finalSparsity, beginStep, endStep, power = 3 } = schedule;
  const p = endStep === beginStep ? (step >= beginStep ? 1 : 0) : Math.min(1, Math.max(0, (step - beginStep) / (endStep - beginStep)));
  return finalSparsity + (initialSparsity - finalSparsity) * (1 - p) ** power;
}

/** Mask updates happen at begin, every `frequency` steps after it, and always at end. */
export function isMaskUpdateStep(step: number, schedule: SparsitySchedule, frequency: number): boolean {
  if (step < schedule.beginStep || step > schedule.endStep) return false;
  return step === schedule.endStep || (step - schedule.beginStep) % frequency === 0;
}

/**
 * 1 for the round(n * (1 - sparsity)) weights of largest |w|, 0 elsewhere.
 * Ties at the threshold are broken by index so the count is exact.
 */
export function magnitudeMask(values: ArrayLike<number>, sparsity: number): Float32Array {
  const n = values.length;
  const keep = Math.round(n * (1 - sparsity));
  const mask = new Float32Array(n);
  if (keep <= 0) return mask;
  const magnitudes = new Float32Array(n);
  for (let i = 0; i < n; i++) magnitudes[i] = Math.abs(values[i] as number);
  const threshold = magnitudes.slice().sort()[n - keep] as number;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if ((magnitudes[i] as number) > threshold) {
      mask[i] = 1;
      kept++;
    }
  }
  for (let i = 0; i < n && kept < keep; i++) {
    if (magnitudes[i] === threshold) {
      mask[i] = 1;
      kept++;
    }
  }
  return mask;
}

/**
 * magnitudeMask over blocks: a row-major [inUnits, outUnits] Dense kernel split
 * into blocks of `blockSize` consecutive input units per output unit, each block
 * scored by its mean |w|; whole blocks are kept or pruned.
 */
export function blockMagnitudeMask(kernel: ArrayLike<number>, inUnits: number, outUnits: number, blockSize: number, sparsity: number): Float32Array {
  if (inUnits % blockSize !== 0) {
    throw new RangeError(`prune: ${inUnits} input units are not a multiple of blockSize ${blockSize}; use a divisor of the layer's input size`);
  }
  const blocksPerOut = inUnits / blockSize;
  const scores = new Float32Array(blocksPerOut * outUnits);
  for (let b = 0; b < blocksPerOut; b++) {
    for (let o = 0; o < outUnits; o++) {
      let sum = 0;
      for (let k = 0; k < blockSize; k++) sum += Math.abs(kernel[(b * blockSize + k) * outUnits + o] as number);
      scores[o * blocksPerOut + b] = sum / blockSize;
    }
  }
  const keepBlock = magnitudeMask(scores, sparsity);
  const mask = new Float32Array(inUnits * outUnits);
  for (let b = 0; b < blocksPerOut; b++) {
    for (let o = 0; o < outUnits; o++) {
      if (keepBlock[o * blocksPerOut + b] === 0) continue;
      for (let k = 0; k < blockSize; k++) mask[(b * blockSize + k) * outUnits + o] = 1;
    }
  }
  return mask;
}

interface PrunableWeight {
  layer: tf.layers.Layer;
  weightName: string;
  variable: tf.LayerVariable;
}

/** The kernels pruning applies to, in layer order. */
export function prunableWeights(model: tf.LayersModel, only?: readonly string[]): PrunableWeight[] {
  if (only !== undefined) {
    const names = new Set(model.layers.map((l) => l.name));
    const unknown = only.filter((n) => !names.has(n));
    if (unknown.length > 0) throw new Error(`prune: no layer named ${unknown.join(', ')} in the model; its layers are ${[...names].join(', ')}`);
  }
  const out: PrunableWeight[] = [];
  for (const layer of model.layers) {
    const wanted = PRUNABLE[layer.getClassName()];
    if (only !== undefined && !only.includes(layer.name)) continue;
    if (wanted === undefined) {
      if (only !== undefined) {
        throw new Error(`prune: layer '${layer.name}' is a ${layer.getClassName()}, which has no prunable kernel; prunable: ${Object.keys(PRUNABLE).join(', ')}`);
      }
      continue;
    }
    for (const variable of layer.weights) {
      const weightName = variable.originalName.split('/').pop() ?? '';
      if (wanted.includes(weightName)) out.push({ layer, weightName, variable });
    }
  }
  return out;
}

/** Zeros per prunable kernel (what pruning achieved; also works on any model). */
export function sparsityReport(model: tf.LayersModel): KernelSparsity[] {
  return prunableWeights(model).map(({ layer, weightName, variable }) => {
    const values = variable.read().dataSync();
    let zeros = 0;
    for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
    return { layer: layer.name, className: layer.getClassName(), weight: weightName, size: values.length, zeros, sparsity: zeros / values.length };
  });
}

/**
 * Fine-tunes the compiled `model` in place (its own optimizer and loss, through the
 * epoch loop of ./loop/epoch-loop.ts) while pruning it to `targetSparsity`. Returns
 * when done, with the masks dropped and zeros left in the kernels.
 */
export async function pruneDuringFineTuning(
  model: tf.LayersModel,
  train: { xs: tf.Tensor; ys: tf.Tensor },
  options: PruneOptions,
  hooks: PruneHooks = {},
): Promise<PruneResult> {
  checkTensors(train);
  return pruneBatches(model, tensorBatches(train.xs, train.ys), options, hooks);
}

/**
 * pruneDuringFineTuning on training examples, batched as training batches them: an in-memory image
 * set, or a streaming source (the prepared dataset's shards), whose own epoch order is followed and
 * which is asked for one batch at a time, so memory does not grow with the dataset.
 */
export async function pruneOnExamples(model: tf.LayersModel, train: ImageSet | ExampleSource, options: PruneOptions, hooks: PruneHooks = {}): Promise<PruneResult> {
  if (train.count < 1) throw new RangeError('prune: the training set is empty');
  return pruneBatches(model, 'batch' in train ? streamBatches(train) : imageSetBatches(train), options, hooks);
}

async function pruneBatches(model: tf.LayersModel, source: BatchSource, options: PruneOptions, hooks: PruneHooks): Promise<PruneResult> {
  const count = source.count;
  checkTraining(model, options);
  const stepsPerEpoch = Math.ceil(count / options.batchSize);
  const totalSteps = options.epochs * stepsPerEpoch;
  const { schedule, frequency } = resolveSchedule(options, totalSteps);
  const weights = prunableWeights(model, options.layers);
  const blockSize = options.blockSize ?? 1;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`prune: blockSize must be a positive integer, got ${blockSize}`);
  for (const { layer, variable } of weights) {
    const inUnits = variable.read().shape[0] ?? 0;
    if (blockSize > 1 && layer.getClassName() === 'Dense' && inUnits % blockSize !== 0) {
      throw new RangeError(`prune: layer '${layer.name}' has ${inUnits} input units, not a multiple of blockSize ${blockSize}; pick a divisor or exclude the layer with \`layers\``);
    }
  }
  if (weights.length === 0) throw new Error('prune: the model has no prunable kernel (Dense, Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D)');

  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > options.epochs) {
    throw new RangeError(`prune: initialEpoch must be an integer in [0, epochs=${options.epochs}], got ${initialEpoch}`);
  }
  let masks: tf.Tensor[] | undefined;
  let sparsity = 0;
  const updateMasks = (step: number, store: WeightStore): void => {
    sparsity = polynomialDecaySparsity(step, schedule);
    const next = weights.map(({ layer, variable }) => {
      const value = store.read(variable);
      try {
        const [inUnits = 0, outUnits = 0] = value.shape;
        const blocked = blockSize > 1 && layer.getClassName() === 'Dense';
        const mask = blocked ? blockMagnitudeMask(value.dataSync(), inUnits, outUnits, blockSize, sparsity) : magnitudeMask(value.dataSync(), sparsity);
        return tf.tensor(mask, value.shape);
      } finally {
        value.dispose();
      }
    });
    tf.dispose(masks);
    masks = next;
  };
  const applyMasks = (store: WeightStore): void => {
    if (masks === undefined) return;
    const current = masks;
    weights.forEach(({ variable }, i) => {
      const value = store.read(variable);
      // w * 0 is -0 for a negative w; + 0 makes it +0, so pruned weights share one bit pattern and
      // compress as one run (half of them stored as -0 cost gzip about a bit each).
      const masked = tf.tidy(() => tf.add(tf.mul(value, current[i] as tf.Tensor), 0));
      try {
        store.write(variable, masked);
      } finally {
        tf.dispose([value, masked]);
      }
    });
  };
  const modelWeights: WeightStore = { read: (w) => tf.clone(w.read()), write: (w, value) => w.write(value) };

  const resumedUpdate = lastMaskUpdateBefore(initialEpoch * stepsPerEpoch, schedule, frequency);
  if (resumedUpdate !== undefined) {
    // Pruned weights are exactly zero after every step, so the zeros are the mask.
    masks = weights.map(({ variable }) => tf.tidy(() => tf.notEqual(variable.read(), 0).toFloat()));
    sparsity = polynomialDecaySparsity(resumedUpdate, schedule);
  }
  const kernelReader = (store: WeightStore) => (layer: string): Float32Array => {
    const entry = weights.find((w) => w.layer.name === layer);
    if (!entry) throw new Error(`prune: layer '${layer}' has no pruned kernel`);
    return tf.tidy(() => store.read(entry.variable).dataSync() as Float32Array);
  };
  let steps = initialEpoch * stepsPerEpoch;
  try {
    await runEpochs(
      model,
      source,
      {
        epochs: options.epochs,
        batchSize: options.batchSize,
        seed: options.seed,
        initialEpoch,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.runner ? { runner: options.runner } : {}),
      },
      {
        beforeStep: ({ step, weights: store }) => {
          if (!isMaskUpdateStep(step, schedule, frequency)) return;
          updateMasks(step, store);
          applyMasks(store);
        },
        afterStep: ({ step, weights: store }) => {
          applyMasks(store);
          steps = step;
          hooks.onStep?.({ step, sparsity, kernel: kernelReader(store) });
        },
        ...(hooks.onProgress
          ? { onBatchEnd: (p) => hooks.onProgress!({ epoch: p.epoch, batch: p.batch + 1, batchesPerEpoch: p.batchesPerEpoch, step: steps, loss: p.loss, sparsity }) }
          : {}),
        onEpochEnd: (e) => hooks.onEpochEnd?.({ epoch: e.epoch, loss: e.loss, sparsity }),
      },
    );
    // The last scheduled update falls after the last step when endStep = totalSteps.
    if (isMaskUpdateStep(steps, schedule, frequency)) {
      updateMasks(steps, modelWeights);
      applyMasks(modelWeights);
    }
  } finally {
    tf.dispose(masks); // strip: the zeros stay in the kernels, the masks go
  }
  return { steps, sparsity, report: sparsityReport(model).filter((r) => weights.some((w) => w.layer.name === r.layer)) };
}

/** The last mask-update step before `step`, if any. */
function lastMaskUpdateBefore(step: number, schedule: SparsitySchedule, frequency: number): number | undefined {
  for (let s = Math.min(step - 1, schedule.endStep); s >= schedule.beginStep; s--) {
    if (isMaskUpdateStep(s, schedule, frequency)) return s;
  }
  return undefined;
}

function resolveSchedule(options: PruneOptions, totalSteps: number): { schedule: SparsitySchedule; frequency: number } {
  const { targetSparsity, initialSparsity = 0, beginStep = 0, endStep = totalSteps, frequency = DEFAULT_FREQUENCY } = options;
  const fail = (msg: string): never => {
    throw new RangeError(`prune: ${msg}`);
  };
  if (!(targetSparsity >= 0 && targetSparsity < 1)) fail(`targetSparsity must be in [0, 1), got ${targetSparsity}`);
  if (!(initialSparsity >= 0 && initialSparsity <= targetSparsity)) {
    fail(`initialSparsity must be in [0, targetSparsity=${targetSparsity}], got ${initialSparsity}`);
  }
  if (!Number.isInteger(frequency) || frequency < 1) fail(`frequency must be a positive integer, got ${frequency}`);
  if (!Number.isInteger(beginStep) || beginStep < 0 || !Number.isInteger(endStep) || endStep < beginStep) {
    fail(`need integers 0 <= beginStep <= endStep, got beginStep=${beginStep}, endStep=${endStep}`);
  }
  if (endStep > totalSteps) {
    fail(`endStep ${endStep} is after the last of the ${totalSteps} training steps, so the target sparsity would never be reached; lower endStep or train longer`);
  }
  return { schedule: { initialSparsity, finalSparsity: targetSparsity, beginStep, endStep }, frequency };
}

function checkTraining(model: tf.LayersModel, options: PruneOptions): void {
  const { epochs, batchSize } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`prune: epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`prune: batchSize must be a positive integer, got ${batchSize}`);
  if (model.optimizer == null) throw new Error('prune: the model is not compiled; compile it (optimizer and loss) before fine-tuning');
}

function checkTensors(train: { xs: tf.Tensor; ys: tf.Tensor }): void {
  const n = train.xs.shape[0];
  if (n === undefined || n < 1 || train.ys.shape[0] !== n) {
    throw new RangeError(`prune: xs and ys must be batch-first with the same, non-zero number of examples (xs ${train.xs.shape}, ys ${train.ys.shape})`);
  }
}

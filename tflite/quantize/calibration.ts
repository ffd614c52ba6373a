// Post-training calibration as TF's converter does it: a running absolute
// min/max per named tensor over all representative samples (no moving
// average), NaNs skipped. Pure: activations come from a producer function the
// caller supplies (tfjs-activations.ts builds one from a tfjs model).

import type { AffineParams } from './params';
import { activationParams } from './params';
import { seededRandom } from './seeded-random';

export interface TensorRange {
  /** Smallest finite value seen (Infinity while none seen). */
  readonly min: number;
  /** Largest finite value seen (-Infinity while none seen). */
  readonly max: number;
  /** Finite values seen. */
  readonly count: number;
  /** NaN and +/-Infinity values skipped (an infinite bound would make the scale infinite). */
  readonly skipped: number;
}

/** Intermediate values for one batch, keyed by tensor name. */
export type ActivationBatch = Readonly<Record<string, ArrayLike<number>>> | ReadonlyMap<string, ArrayLike<number>>;

/** Runs the float model on one batch and returns the tensors to calibrate. */
export type ActivationProducer<B> = (batch: B) => ActivationBatch | Promise<ActivationBatch>;

interface MutableRange {
  min: number;
  max: number;
  count: number;
  skipped: number;
}

/** Accumulates ranges; feed it with observe(), read params() at the end. */
export class MinMaxCalibrator {
  private readonly ranges = new Map<string, MutableRange>();

  observe(name: string, values: ArrayLike<number>): void {
    let r = this.ranges.get(name);
    if (r === undefined) {
      r = { min: Infinity, max: -Infinity, count: 0, skipped: 0 };
      this.ranges.set(name, r);
    }
    let { min, max, count, skipped } = r;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) {
        skipped++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      count++;
    }
    Object.assign(r, { min, max, count, skipped });
  }

  /** Observes every tensor of one producer result. */
  observeBatch(batch: ActivationBatch): void {
    for (const [name, values] of entriesOf(batch)) this.observe(name, values);
  }

  names(): string[] {
    return [...this.ranges.keys()];
  }

  range(name: string): TensorRange {
    const r = this.ranges.get(name);
    if (r === undefined) {
      throw new Error(
        `calibration: no values were observed for tensor '${name}' (observed: ${this.names().join(', ') || 'none'}); ` +
          'ask the activation producer for this tensor',
      );
    }
    return { ...r };
  }

  /** A snapshot of all ranges, in first-observed order. */
  allRanges(): Map<string, TensorRange> {
    return new Map(this.names().map((n) => [n, this.range(n)]));
  }

  /** Asymmetric int8 params for the tensor's calibrated range. */
  params(name: string): AffineParams {
    const r = this.range(name);
    if (r.count === 0) {
      throw new Error(
        `calibration: tensor '${name}' saw only NaN/Infinity (${r.skipped} values) over the representative samples; ` +
          'the float model is producing non-finite values: check the samples and the model before quantizing',
      );
    }
    return activationParams(r);
  }
}

export interface CalibrationResult {
  readonly ranges: Map<string, TensorRange>;
  readonly batches: number;
  readonly calibrator: MinMaxCalibrator;
}

/**
 * Runs `produce` on every batch and accumulates running min/max per tensor.
 * Every batch must yield the same tensor names (a producer that skips one
 * would silently bias its range).
 */
export async function calibrate<B>(
  batches: Iterable<B> | AsyncIterable<B>,
  produce: ActivationProducer<B>,
  onBatch?: (batchIndex: number) => void,
): Promise<CalibrationResult> {
  const calibrator = new MinMaxCalibrator();
  let expected: string[] | undefined;
  let index = 0;
  for await (const batch of batches) {
    const result = await produce(batch);
    const names = entriesOf(result).map(([n]) => n).sort();
    if (expected === undefined) expected = names;
    else if (names.join('\u0000') !== expected.join('\u0000')) {
      throw new Error(
        `calibration: batch ${index} produced tensors [${names.join(', ')}] but batch 0 produced [${expected.join(', ')}]; ` +
          'the activation producer must return the same tensors for every batch',
      );
    }
    calibrator.observeBatch(result);
    onBatch?.(index);
    index++;
  }
  if (index === 0) throw new Error('calibration: no batches were given; pass at least one representative sample');
  return { ranges: calibrator.allRanges(), batches: index, calibrator };
}

/** [start, end) index ranges covering `total` samples in batches of `batchSize`. */
export function batchRanges(total: number, batchSize: number): Array<{ start: number; end: number }> {
  if (!Number.isInteger(total) || total < 0 || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchRanges: need integers total >= 0 and batchSize >= 1, got total=${total}, batchSize=${batchSize}`);
  }
  const out: Array<{ start: number; end: number }> = [];
  for (let start = 0; start < total; start += batchSize) out.push({ start, end: Math.min(total, start + batchSize) });
  return out;
}

/**
 * `count` distinct indices out of `total`, chosen by a seeded shuffle, sorted:
 * the representative sample is reproducible for a given seed.
 */
export function pickSampleIndices(total: number, count: number, seed: number): number[] {
  if (!Number.isInteger(total) || !Number.isInteger(count) || count < 1 || total < 1) {
    throw new RangeError(`pickSampleIndices: need integers total >= 1 and count >= 1, got total=${total}, count=${count}`);
  }
  const n = Math.min(count, total);
  const pool = Array.from({ length: total }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (total - i));
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  return pool.slice(0, n).sort((a, b) => a - b);
}

function entriesOf(batch: ActivationBatch): Array<[string, ArrayLike<number>]> {
  return batch instanceof Map ? [...batch.entries()] : Object.entries(batch as Record<string, ArrayLike<number>>);
}

import { selectVariant, type VariantOutcome } from '../../../contracts/variants';

const outcome = (variant: VariantOutcome['variant'], bytes: number, accuracy: number, p50Ms = 0.02, p90Ms = 0.03, gzipBytes = Math.round(bytes * 0.9)): VariantOutcome => ({
  ok: true,
  variant,
  bytes,
  gzipBytes,
  accuracy,
  p50Ms,
  p90Ms,
});

describe('selectVariant', () => {
  const outcomes = [outcome('float32', 408_464, 0.9752), outcome('float16', 205_000, 0.9752), outcome('dynamic-int8', 108_000, 0.975), outcome('int8', 107_000, 0.962)];

  it('picks the smallest variant that meets every budget and says why the others lost', () => {
    const s = selectVariant(outcomes, { maxAccuracyDropPoints: 1 }, 0.9752);
    expect(s.chosen).toBe('dynamic-int8');
    expect(s.verdicts.find((v) => v.variant === 'int8')?.reasons).toEqual([
      'int8: accuracy 0.9620 is 1.32 points below float (97.52%), budget 1',
    ]);
    expect(s.explanation).toBe('dynamic-int8 is the smallest variant that meets every budget (108000 bytes); also passing: float16, float32');
  });

  it('breaks a size tie with the smaller gzip size, then the faster p50', () => {
    const s = selectVariant([outcome('float16', 1000, 0.9, 0.05), outcome('dynamic-int8', 1000, 0.9, 0.02)], { maxAccuracyDropPoints: 1 }, 0.9);
    expect(s.chosen).toBe('dynamic-int8');
    const pruned = selectVariant(
      [outcome('dynamic-int8', 1000, 0.9, 0.02, 0.03, 800), outcome('pruned-dynamic-int8', 1000, 0.9, 0.03, 0.04, 400)],
      { maxAccuracyDropPoints: 1 },
      0.9,
    );
    expect(pruned.chosen).toBe('pruned-dynamic-int8');
  });

  it('checks size, latency and minimum accuracy budgets', () => {
    const s = selectVariant([outcome('float32', 5000, 0.95, 0.1, 0.4)], { maxAccuracyDropPoints: 1, maxBytes: 4000, maxP90Ms: 0.3, minAccuracy: 0.96 }, 0.95);
    expect(s.chosen).toBeUndefined();
    expect(s.verdicts[0]!.reasons).toEqual([
      'float32: accuracy 0.9500 is below the minimum 0.96',
      'float32: 5000 bytes is over the size budget of 4000',
      'float32: p90 latency 0.400 ms is over the budget of 0.3 ms',
    ]);
    expect(s.explanation).toMatch(/^no variant meets the budgets:\nfloat32: accuracy 0.9500 is below/);
  });

  it('a variant that failed to build loses with its error, the others still compete', () => {
    const s = selectVariant([{ ok: false, variant: 'int8', error: 'calibration failed' }, outcome('float32', 10, 0.9)], { maxAccuracyDropPoints: 1 }, 0.9);
    expect(s.chosen).toBe('float32');
    expect(s.verdicts[0]).toEqual({ variant: 'int8', passed: false, reasons: ['int8: could not be built or measured: calibration failed'], notes: [] });
  });

  it('ranks and budgets by gzip size when asked: a pruned file compresses where its raw size does not shrink', () => {
    const pruned = [outcome('float32', 400_000, 0.975, 0.02, 0.03, 370_000), outcome('pruned-float32', 400_000, 0.972, 0.02, 0.03, 120_000), outcome('dynamic-int8', 101_000, 0.974, 0.02, 0.03, 90_000)];
    expect(selectVariant(pruned, { maxAccuracyDropPoints: 1 }, 0.975).chosen).toBe('dynamic-int8');
    const byGzip = selectVariant(pruned, { maxAccuracyDropPoints: 1, sizeBy: 'gzip', maxBytes: 100_000 }, 0.975);
    expect(byGzip.chosen).toBe('dynamic-int8');
    expect(byGzip.explanation).toBe('dynamic-int8 is the smallest variant that meets every budget (90000 gzip bytes)');
    expect(byGzip.verdicts.find((v) => v.variant === 'pruned-float32')?.reasons).toEqual(['pruned-float32: 120000 gzip bytes are over the size budget of 100000']);
    const noInt8 = selectVariant(pruned.slice(0, 2), { maxAccuracyDropPoints: 1, sizeBy: 'gzip' }, 0.975);
    expect(noInt8.chosen).toBe('pruned-float32');
  });

  it('notes when a sparse pruned file is not faster than the same encoding dense, without failing it', () => {
    const sparse: VariantOutcome = { ...(outcome('pruned-float32', 150_000, 0.972, 0.03, 0.04) as Extract<VariantOutcome, { ok: true }>), sparseWeights: 2 };
    const dense = outcome('float32', 400_000, 0.975, 0.02, 0.03);
    const s = selectVariant([sparse], { maxAccuracyDropPoints: 1 }, 0.975, [{ variant: 'float32', bytes: 400_000, gzipBytes: 360_000, accuracy: 0.975, p50Ms: 0.02, p90Ms: 0.03 }]);
    expect(s.chosen).toBe('pruned-float32');
    expect(s.verdicts[0]?.notes).toEqual([
      'pruned-float32: 2 sparse FULLY_CONNECTED weight tensors make the file smaller but not faster: p50 0.030 ms vs 0.020 ms dense float32 (1.50x)',
    ]);
    const faster = selectVariant([{ ...(sparse as Extract<VariantOutcome, { ok: true }>), p50Ms: 0.01 }, dense], { maxAccuracyDropPoints: 1 }, 0.975);
    expect(faster.verdicts[0]?.notes).toEqual(['pruned-float32: 2 sparse FULLY_CONNECTED weight tensors: p50 0.010 ms vs 0.020 ms dense float32 (0.50x)']);
    expect(faster.verdicts[1]?.notes).toEqual([]);
  });
});

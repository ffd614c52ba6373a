import { variantTable } from '../../../client/summary';
import { selectVariant, type VariantOutcome } from '../../../contracts/variants';

const measured = (variant: VariantOutcome['variant'], bytes: number, gzipBytes: number, accuracy: number, p50Ms: number, sparseWeights?: number): VariantOutcome => ({
  ok: true,
  variant,
  bytes,
  gzipBytes,
  accuracy,
  p50Ms,
  p90Ms: p50Ms * 1.5,
  ...(sparseWeights ? { sparseWeights } : {}),
});

describe('variantTable', () => {
  it('shows raw and gzip size, the verdict per variant, and the notes under the table', () => {
    const selection = selectVariant(
      [
        measured('float32', 408_464, 377_000, 0.9752, 0.014),
        measured('pruned-float32', 160_000, 110_000, 0.9731, 0.021, 2),
        { ok: false, variant: 'pruned-int8', error: 'calibration failed' },
      ],
      { maxAccuracyDropPoints: 1 },
      0.9752,
    );
    const lines = variantTable({ selection, chosenVariant: 'pruned-float32' });
    expect(lines).toEqual([
      '  variant           size       gzip       accuracy  p50 ms  p90 ms  gate',
      '    float32         398.9 KiB  368.2 KiB  97.52%    0.014   0.021   pass',
      '  * pruned-float32  156.3 KiB  107.4 KiB  97.31%    0.021   0.032   pass',
      '    pruned-int8     -          -          -         -       -       could not be built or measured: calibration failed',
      '  note: pruned-float32: 2 sparse FULLY_CONNECTED weight tensors make the file smaller but not faster: p50 0.021 ms vs 0.014 ms dense float32 (1.50x)',
    ]);
  });
});

import { createRng } from '../../../../ml';
import { seededRandom } from '../../../../tflite/quantize/seeded-random';

describe('tflite seededRandom', () => {
  it('draws exactly what ml createRng draws, so a calibration seed picks the same samples as before the split', () => {
    for (const seed of [0, 1, 42, 0xffffffff, -7]) {
      const a = seededRandom(seed);
      const b = createRng(seed);
      const drawsA = Array.from({ length: 100 }, a);
      expect(drawsA).toEqual(Array.from({ length: 100 }, b));
      expect(new Set(drawsA).size).toBeGreaterThan(95);
    }
  });
});

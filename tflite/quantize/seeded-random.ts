// tflite/ owns its randomness (it may not import ml/): the calibration sample must be reproducible from
// its seed alone. mulberry32, the same generator ml/data/shuffle.ts uses, so existing seeds pick the
// same samples as before this file existed.

/** mulberry32: a small, fast 32-bit PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scores a .tflite classifier on the full MNIST test set in tfjs-tflite-node, batch 1, as a user would. */
import { loadMnist, scoreClassifier, type ClassifierScore } from '../../ml';
import { loadInterpreter } from '../../tflite/runtimes/tfjs-tflite-node';

export async function scoreOnMnistTest(bytes: Uint8Array): Promise<ClassifierScore> {
  const test = loadMnist().test;
  const interpreter = await loadInterpreter(bytes, { numThreads: 1 });
  try {
    const shape = interpreter.inputs[0]!.shape;
    const pixels = test.images.length / test.count;
    return await scoreClassifier(
      (images, n) => {
        const out = new Float32Array(n * test.numClasses);
        for (let i = 0; i < n; i++) out.set(interpreter.predict(images.subarray(i * pixels, (i + 1) * pixels), shape), i * test.numClasses);
        return out;
      },
      test,
      100,
    );
  } finally {
    interpreter.dispose();
  }
}

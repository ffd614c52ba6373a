// TFLite Model Metadata: written into every variant, read back by readTflite, and
// invisible to both runtimes (same outputs as the file without it).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { inspectCommand } from '../../../client/commands/inspect';
import { appendAssociatedFiles, buildModelMetadata, classifierMetadata, indexLabels, readAppendedZip, readTflite } from '../../../tflite';
import { runInLiteRt } from '../../../tflite/runtimes/litert';
import { loadInterpreter } from '../../../tflite/runtimes/tfjs-tflite-node';
import { convertVariant, QUANTIZATION_VARIANTS } from '../../../tflite/variants';
import { createModel } from '../../../ml';

const imageShape: [number, number, number] = [12, 12, 3];
const labels = ['cat', 'dog', 'bird'];
const classifier = { name: 'pets', version: 'v3', description: 'Pets from photos', imageShape, pixelScale: 255, labels };

function samples(count: number): Float32Array[] {
  let state = 7;
  const next = (): number => ((state = (state * 1103515245 + 12345) >>> 0) % 256) / 255;
  return Array.from({ length: count }, () => Float32Array.from({ length: 12 * 12 * 3 }, next));
}

describe('TFLite metadata', () => {
  const model = createModel('cnn', { inputShape: imageShape, numClasses: 3, seed: 5 });
  afterAll(() => model.dispose());
  const inputs = samples(4);
  const calibration = { samples: samples(16).map((s) => [s]), load: loadInterpreter };

  it.each(QUANTIZATION_VARIANTS)('%s: carries name, version, normalization and labels; runs as the plain file does in both runtimes', async (variant) => {
    const plain = await convertVariant(model, variant, { calibration });
    const tagged = await convertVariant(model, variant, { calibration, classifier });
    const d = readTflite(tagged.bytes);
    expect(d.modelMetadata).toEqual({
      name: 'pets', description: 'Pets from photos', version: 'v3', minParserVersion: '1.0.0',
      subgraphs: [{
        inputs: [expect.objectContaining({
          name: 'image', content: 'ImageProperties', colorSpace: 'RGB', imageSize: { width: 12, height: 12 },
          normalization: { mean: [0], std: [255] }, stats: { min: [0], max: [1] }, associatedFiles: [],
        })],
        outputs: [expect.objectContaining({
          name: 'probability', content: 'FeatureProperties', stats: { min: [0], max: [1] },
          associatedFiles: [expect.objectContaining({ name: 'labels.txt', type: 'TENSOR_AXIS_LABELS' })],
        })],
      }],
    });
    expect(d.associatedFiles).toEqual([{ name: 'labels.txt', bytes: 12, text: 'cat\ndog\nbird' }]);
    expect(d.metadata.map((m) => m.name)).toEqual(['min_runtime_version', 'TFLITE_METADATA']);

    const outputs = async (bytes: Uint8Array): Promise<Float32Array[]> => {
      const interpreter = await loadInterpreter(bytes);
      try {
        return inputs.map((x) => interpreter.predict(x));
      } finally {
        interpreter.dispose();
      }
    };
    // Same graph, same weights: the outputs are identical, not merely close.
    expect(await outputs(tagged.bytes)).toEqual(await outputs(plain.bytes));
    const [a, b] = await runInLiteRt([plain, tagged].map((f) => ({ model: f.bytes, runs: inputs.map((x) => [{ data: x, shape: [1, ...imageShape] }]) })));
    expect(a?.ok).toBe(true);
    expect(b).toEqual(a);
  }, 120_000);

  it('liteship inspect prints name, version, normalization and labels', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'liteship-metadata-'));
    try {
      const file = path.join(dir, 'pets.tflite');
      await writeFile(file, (await convertVariant(model, 'float32', { classifier: { ...classifier, author: 'liteship' } })).bytes);
      let out = '';
      expect(await inspectCommand([file], { stdout: (s) => { out += s; }, stderr: () => undefined })).toBe(0);
      const section = out.slice(out.indexOf('TFLite metadata:'), out.indexOf('\nbytes:'));
      expect(section.split('\n').filter((l) => l.length > 0)).toEqual([
        'TFLite metadata:',
        '  name "pets", version "v3", min_parser_version 1.0.0',
        '  description "Pets from photos"',
        '  author "liteship", license ""',
        '  input image (ImageProperties)',
        '    image: 12x12 RGB',
        '    normalization: (value - mean [0]) / std [255]',
        '    stats: min [0] max [1]',
        '  output probability (FeatureProperties)',
        '    stats: min [0] max [1]',
        '    TENSOR_AXIS_LABELS labels.txt 3: cat, dog, bird',
        '  associated files: labels.txt (12 bytes)',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names grayscale inputs and defaults labels to class indices', () => {
    const parts = classifierMetadata({ ...classifier, imageShape: [28, 28, 1], labels: indexLabels(10) });
    expect(new TextDecoder().decode(parts.files[0]?.data)).toBe('0\n1\n2\n3\n4\n5\n6\n7\n8\n9');
    const bytes = appendAssociatedFiles(tf.util.encodeString('x'.repeat(64)) as Uint8Array, parts.files);
    expect(readAppendedZip(bytes)?.map((f) => f.name)).toEqual(['labels.txt']);
  });

  it('refuses labels that cannot be one line each', () => {
    expect(() => classifierMetadata({ ...classifier, labels: ['a', 'b\nc'] })).toThrow('label #1 "b\\nc" is empty or contains a line break');
    expect(() => classifierMetadata({ ...classifier, labels: ['only'] })).toThrow('at least 2 labels');
  });

  it('reports a damaged labels archive instead of returning wrong labels', () => {
    const parts = classifierMetadata(classifier);
    const bytes = appendAssociatedFiles(new Uint8Array(40), parts.files);
    const first = 40 + 30 + 'labels.txt'.length; // first byte of the labels
    bytes[first] = (bytes[first] ?? 0) ^ 1;
    expect(() => readAppendedZip(bytes)).toThrow('entry labels.txt fails its CRC-32 check');
  });

  it('writes the M001 identifier', () => {
    const bytes = buildModelMetadata({
      name: 'm', description: 'd', version: '1',
      input: { name: 'image', colorSpace: 'RGB', width: 2, height: 2, mean: [0], std: [255], min: [0], max: [1] },
      output: { name: 'probability', min: [0], max: [1], labelsFile: 'labels.txt' },
    });
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('M001');
  });
});

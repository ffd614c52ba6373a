import { SpecValidationError, validateSpec } from '../../../contracts';

const spec = (data: Record<string, unknown>) => ({ model: 'photos', architecture: 'cnn', data: { source: 'folder', train: '/data/photos', imageSize: [32, 32], ...data } });
const problems = (data: Record<string, unknown>): string[] => {
  try {
    validateSpec(spec(data));
  } catch (err) {
    if (err instanceof SpecValidationError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
};

describe('data.source "folder"', () => {
  it('fills defaults: 3 channels, fail on bad images, a 0.1 validation split', () => {
    expect(validateSpec(spec({})).data).toEqual({ source: 'folder', train: '/data/photos', validationSplit: 0.1, imageSize: [32, 32], channels: 3, onBadImage: 'fail' });
  });

  it('accepts a test folder, an s3 prefix, gray images, skipping and augmentation', () => {
    const data = validateSpec(
      spec({ train: 's3://bucket/photos/train/', test: 's3://bucket/photos/test/', channels: 1, onBadImage: 'skip', augment: { flip: 'horizontal', shift: 0.1, rotate: 10, brightness: 0.2 } }),
    ).data;
    expect(data).toMatchObject({ test: 's3://bucket/photos/test/', channels: 1, onBadImage: 'skip', augment: { flip: 'horizontal', shift: 0.1, rotate: 10, brightness: 0.2 } });
    expect(data).not.toHaveProperty('validationSplit');
  });

  it('lists every problem with its path', () => {
    expect(problems({ imageSize: [32], channels: 2, onBadImage: 'ignore', test: '/t', validationSplit: 0.2, augment: { rotate: 400, zoom: 1 }, extra: 1 })).toEqual([
      'data.extra: unknown field; allowed fields: source, train, test, validationSplit, imageSize, channels, onBadImage, augment',
      'data.validationSplit: cannot be used together with data.test: give a test folder or a validation split, not both',
      'data.imageSize: must be [height, width], whole numbers from 8 to 1024 (images are resized to it), got [32]',
      'data.channels: must be 1 (grayscale) or 3 (RGB), got 2',
      'data.onBadImage: must be one of "fail", "skip", got "ignore"',
      'data.augment.zoom: unknown field; allowed fields: flip, shift, rotate, brightness',
      'data.augment.rotate: must be between 0 and 180, got 400',
    ]);
    expect(problems({ train: 'photos' })).toEqual([
      'data.train: "photos" must be an absolute path (the CLI resolves relative paths against the spec file)',
    ]);
  });
});

/**
 * The `"source": "folder"` data spec: one subfolder of JPEG/PNG images per class,
 * on the worker's disk or under an s3:// prefix. Kept apart from spec.ts, which
 * calls checkFolderData from its data switch.
 */
import type { DataLocation } from './spec';

export interface AugmentSpec {
  flip?: 'horizontal' | 'none';
  /** Largest shift as a fraction of the image size (0-0.5). */
  shift?: number;
  /** Largest rotation either way, in degrees (0-180). */
  rotate?: number;
  /** Largest brightness change as a fraction of full scale (0-1). */
  brightness?: number;
}

export interface FolderDataSpec {
  source: 'folder';
  /** Folder (or s3://bucket/prefix/) whose subfolders are the classes. */
  train: DataLocation;
  /** A separate test folder with the same class subfolders; without it, validationSplit holds images out. */
  test?: DataLocation;
  /** Fraction of each class held out as the test set when there is no `test` (default 0.1). */
  validationSplit?: number;
  /** Every image is resized to [height, width]. */
  imageSize: [number, number];
  /** 1 = grayscale, 3 = RGB (default 3). */
  channels: 1 | 3;
  /** "fail" (default): an unreadable image stops the run; "skip": it is left out and listed in the release. */
  onBadImage: 'fail' | 'skip';
  augment?: AugmentSpec;
}

export const DEFAULT_VALIDATION_SPLIT = 0.1;

/** The parts of spec.ts's Checker this file uses (structural, so spec.ts need not export its class). */
export interface FieldChecker {
  fail(path: string, message: string): undefined;
  object(value: unknown, path: string): Record<string, unknown> | undefined;
  unknownKeys(obj: Record<string, unknown>, path: string, allowed: readonly string[]): void;
  number(value: unknown, path: string, opts: { min: number; max: number; integer?: boolean }, fallback: number): number;
  oneOf<T extends string>(value: unknown, path: string, options: readonly T[], fallback?: T): T | undefined;
  location(value: unknown, path: string): string | undefined;
}

function checkAugment(c: FieldChecker, raw: unknown): AugmentSpec | undefined {
  if (raw === undefined) return undefined;
  const a = c.object(raw, 'data.augment');
  if (!a) return undefined;
  c.unknownKeys(a, 'data.augment', ['flip', 'shift', 'rotate', 'brightness']);
  const out: AugmentSpec = {};
  if (a.flip !== undefined) out.flip = c.oneOf(a.flip, 'data.augment.flip', ['horizontal', 'none'] as const) ?? 'none';
  if (a.shift !== undefined) out.shift = c.number(a.shift, 'data.augment.shift', { min: 0, max: 0.5 }, 0);
  if (a.rotate !== undefined) out.rotate = c.number(a.rotate, 'data.augment.rotate', { min: 0, max: 180 }, 0);
  if (a.brightness !== undefined) out.brightness = c.number(a.brightness, 'data.augment.brightness', { min: 0, max: 1 }, 0);
  return out;
}

export function checkFolderData(c: FieldChecker, obj: Record<string, unknown>): FolderDataSpec | undefined {
  c.unknownKeys(obj, 'data', ['source', 'train', 'test', 'validationSplit', 'imageSize', 'channels', 'onBadImage', 'augment']);
  const train = c.location(obj.train, 'data.train');
  const test = obj.test === undefined ? undefined : c.location(obj.test, 'data.test');
  if (obj.test !== undefined && obj.validationSplit !== undefined) {
    c.fail('data.validationSplit', 'cannot be used together with data.test: give a test folder or a validation split, not both');
  }
  const validationSplit =
    obj.test === undefined ? c.number(obj.validationSplit, 'data.validationSplit', { min: 0.01, max: 0.9 }, DEFAULT_VALIDATION_SPLIT) : undefined;
  const size = obj.imageSize;
  let imageSize: [number, number] | undefined;
  if (Array.isArray(size) && size.length === 2 && size.every((d) => Number.isInteger(d) && d >= 8 && d <= 1024)) {
    imageSize = [size[0], size[1]] as [number, number];
  } else {
    c.fail('data.imageSize', `must be [height, width], whole numbers from 8 to 1024 (images are resized to it), got ${JSON.stringify(size) ?? 'nothing'}`);
  }
  const channels = obj.channels === undefined ? 3 : obj.channels === 1 || obj.channels === 3 ? obj.channels : c.fail('data.channels', `must be 1 (grayscale) or 3 (RGB), got ${JSON.stringify(obj.channels)}`);
  const onBadImage = c.oneOf(obj.onBadImage, 'data.onBadImage', ['fail', 'skip'] as const, 'fail');
  const augment = checkAugment(c, obj.augment);
  if (!train || !imageSize || channels === undefined || !onBadImage) return undefined;
  return {
    source: 'folder',
    train,
    ...(test ? { test } : {}),
    ...(validationSplit !== undefined ? { validationSplit } : {}),
    imageSize,
    channels,
    onBadImage,
    ...(augment ? { augment } : {}),
  };
}

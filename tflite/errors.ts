// One error class per failure kind, each with an explicit `name` for messages and a static
// `failure` descriptor (contracts/errors.ts) that the pipeline and the CLI map by class chain,
// so every subclass of ConversionError is an UnsupportedModel failure that no retry can fix.
import { FailureType, type FailureDeclaration } from '../contracts/errors';

/** Base class of everything convert() throws on purpose. */
export class ConversionError extends Error {
  override name = 'ConversionError';
  static readonly failure: FailureDeclaration = { type: FailureType.unsupportedModel, retryable: false };
}

/** A layer class liteship cannot convert; thrown before any bytes are written. */
export class UnsupportedLayerError extends ConversionError {
  override name = 'UnsupportedLayerError';
  constructor(
    readonly layerName: string,
    readonly className: string,
    supported: readonly string[],
  ) {
    super(
      `layer "${layerName}" is a ${className}, which liteship cannot convert to TFLite. ` +
        `Supported layer classes: ${supported.join(', ')}. ` +
        `Replace the layer with a supported equivalent or remove it before converting.`,
    );
  }
}

/** A supported layer class used with a configuration TFLite (or liteship) cannot express. */
export class UnsupportedLayerConfigError extends ConversionError {
  override name = 'UnsupportedLayerConfigError';
  constructor(
    readonly layerName: string,
    readonly className: string,
    problem: string,
    fix: string,
  ) {
    super(`layer "${layerName}" (${className}): ${problem}. ${fix}`);
  }
}

/** The model as a whole cannot be converted (e.g. dynamic shapes, no outputs). */
export class UnsupportedModelError extends ConversionError {
  override name = 'UnsupportedModelError';
}

/** Bytes that are not a readable TFLite flatbuffer. */
export class InvalidTfliteError extends Error {
  override name = 'InvalidTfliteError';
  static readonly failure: FailureDeclaration = { type: FailureType.corruptArtifact, retryable: false };
}

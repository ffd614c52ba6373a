// Every error class liteship defines declares its failure type and whether a retry can help;
// the activity mapping and the CLI's exit codes follow that declaration through the class chain.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure, withFailureMapping } from '../../../activities/failures';
import { AccuracyParityError } from '../../../activities/benchmark';
import { ReleaseVersionExistsError } from '../../../activities/publish';
import { CorruptFileError, NotFoundError, ServiceUnavailableError } from '../../../client/errors';
import { ExitCode, exitCodeForError } from '../../../client/exit-codes';
import { UsageError } from '../../../client/io';
import { failureOf, FailureType, NON_RETRYABLE_FAILURES, SpecValidationError, type FailureType as FailureTypeName } from '../../../contracts';
import { ConfigError } from '../../../infra/config-errors';
import { ChannelConflictError, ChannelError } from '../../../infra/channel-store';
import { CorruptReleaseError } from '../../../infra/release-records';
import { LocalStackError } from '../../../infra/local-stack/errors';
import { ObjectAlreadyExistsError, ObjectChangedError, ObjectNotFoundError, StorageAccessError } from '../../../infra/object-store';
import { InvalidS3UriError } from '../../../infra/s3-uri';
import { BackendUnavailableError } from '../../../ml/backend';
import { DatasetError } from '../../../ml/data/errors';
import { ModelFormatError } from '../../../ml/model-io';
import { TrainingDivergedError } from '../../../ml/train';
import { ConversionError, InvalidTfliteError, UnsupportedLayerConfigError, UnsupportedLayerError, UnsupportedModelError } from '../../../tflite/errors';
import { Float16OverflowError } from '../../../tflite/quantize/float16';
import { Int8QuantizationError } from '../../../tflite/quantize/int8';
import { VariantOptionsError } from '../../../tflite/variants';
import { ArchitectureError } from '../../../ml/architectures/types';
import { MetadataOptionsError } from '../../../tflite/metadata/classifier';

type Case = [name: string, make: () => Error, type: FailureTypeName, retryable: boolean, exit: number];

const CASES: Case[] = [
  ['SpecValidationError', () => new SpecValidationError([{ path: 'model', message: 'bad' }]), FailureType.invalidSpec, false, ExitCode.invalidInput],
  ['DatasetError', () => new DatasetError('truncated', 'x.idx', 'truncated'), FailureType.invalidDataset, false, ExitCode.invalidInput],
  ['ConfigError', () => new ConfigError('LITESHIP_S3_PORT is not a port'), FailureType.invalidConfig, false, ExitCode.invalidInput],
  ['InvalidS3UriError', () => new InvalidS3UriError('"s3:/x" is not an S3 URI'), FailureType.invalidSpec, false, ExitCode.invalidInput],
  ['ModelFormatError', () => new ModelFormatError('not a model'), FailureType.corruptArtifact, false, ExitCode.invalidInput],
  ['InvalidTfliteError', () => new InvalidTfliteError('not TFLite'), FailureType.corruptArtifact, false, ExitCode.invalidInput],
  ['CorruptReleaseError', () => new CorruptReleaseError('manifest.json is not valid JSON'), FailureType.corruptArtifact, false, ExitCode.invalidInput],
  ['CorruptFileError', () => new CorruptFileError('tampered'), FailureType.corruptArtifact, false, ExitCode.invalidInput],
  ['ConversionError', () => new ConversionError('cannot convert'), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['UnsupportedLayerError', () => new UnsupportedLayerError('l', 'LSTM', ['Dense']), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['UnsupportedLayerConfigError', () => new UnsupportedLayerConfigError('l', 'Conv2D', 'dilation 2', 'use 1'), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['UnsupportedModelError', () => new UnsupportedModelError('no outputs'), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['Int8QuantizationError', () => new Int8QuantizationError('no calibration'), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['Float16OverflowError', () => new Float16OverflowError('1e6 overflows'), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['VariantOptionsError', () => new VariantOptionsError('int8 needs calibration'), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['ArchitectureError', () => new ArchitectureError('lstm is not supported'), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['MetadataOptionsError', () => new MetadataOptionsError('3 labels for 10 classes'), FailureType.unsupportedModel, false, ExitCode.modelProblem],
  ['AccuracyParityError', () => new AccuracyParityError('gap 3 points'), FailureType.accuracyParity, false, ExitCode.modelProblem],
  ['TrainingDivergedError', () => new TrainingDivergedError('loss NaN'), FailureType.trainingDiverged, false, ExitCode.modelProblem],
  ['BackendUnavailableError', () => new BackendUnavailableError('tfjs-node does not load'), FailureType.backendUnavailable, false, ExitCode.environment],
  ['ReleaseVersionExistsError', () => new ReleaseVersionExistsError('v1 exists'), FailureType.versionExists, false, ExitCode.alreadyExists],
  ['ObjectAlreadyExistsError', () => new ObjectAlreadyExistsError('s3://b/k'), FailureType.alreadyExists, false, ExitCode.alreadyExists],
  ['ObjectChangedError', () => new ObjectChangedError('s3://b/channels/stable.json'), FailureType.concurrentChange, true, ExitCode.unavailable],
  ['ChannelError', () => new ChannelError('m has no channel beta'), FailureType.invalidConfig, false, ExitCode.invalidInput],
  ['ChannelConflictError', () => new ChannelConflictError('m stable moved'), FailureType.concurrentChange, true, ExitCode.unavailable],
  ['ObjectNotFoundError', () => new ObjectNotFoundError('s3://b/k'), FailureType.notFound, false, ExitCode.notFound],
  ['NotFoundError', () => new NotFoundError('no workflow "x"'), FailureType.notFound, false, ExitCode.notFound],
  ['StorageAccessError', () => new StorageAccessError('bad-credentials', 'the access key is wrong'), FailureType.storageAccess, false, ExitCode.accessDenied],
  ['ServiceUnavailableError', () => new ServiceUnavailableError('Temporal did not answer'), FailureType.serviceUnavailable, true, ExitCode.unavailable],
  ['LocalStackError', () => new LocalStackError('port-in-use', 'port 7233 is in use'), FailureType.localStack, false, ExitCode.environment],
  ['UsageError', () => new UsageError('unknown option --x'), FailureType.usage, false, ExitCode.usage],
];

describe.each(CASES)('%s', (_name, make, type, retryable, exit) => {
  it(`declares ${type}, ${retryable ? 'retryable' : 'not retryable'}`, () => {
    expect(failureOf(make())).toEqual({ type, retryable });
  });

  it('becomes an ApplicationFailure of that type in an activity, keeping the message and the cause', () => {
    const err = make();
    const failure = toActivityFailure(err) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(!retryable);
    expect(failure.message).toBe(err.message);
    expect(failure.cause).toBe(err);
  });

  it(`ends the CLI with exit code ${exit}`, () => {
    expect(exitCodeForError(make())).toBe(exit);
  });

  it("agrees with the retry policy's list of types no retry can fix", () => {
    if (retryable) expect(NON_RETRYABLE_FAILURES).not.toContain(type);
  });
});

describe('the class chain decides, never the name', () => {
  it('a subclass without its own declaration inherits its parent\'s', () => {
    class LayerQuirkError extends UnsupportedLayerConfigError {}
    expect(failureOf(new LayerQuirkError('l', 'Dense', 'odd', 'fix'))).toEqual({ type: FailureType.unsupportedModel, retryable: false });
  });

  it('a subclass may declare its own', () => {
    class FlakyDatasetError extends DatasetError {
      static override readonly failure = { type: FailureType.storageUnreachable, retryable: true };
    }
    expect(failureOf(new FlakyDatasetError('not-found', 's3://b/k', 'gone'))).toEqual({ type: FailureType.storageUnreachable, retryable: true });
  });

  it('an error merely named like a liteship class is not one of them', () => {
    const impostor = Object.assign(new Error('boom'), { name: 'DatasetError' });
    expect(failureOf(impostor)).toBeUndefined();
    expect(toActivityFailure(impostor)).toBe(impostor);
    expect(exitCodeForError(impostor)).toBeUndefined();
  });

  it('storage problems that may pass are retryable StorageUnreachable, the others are not', () => {
    for (const problem of ['unreachable', 'timeout'] as const) {
      expect(failureOf(new StorageAccessError(problem, 'down'))).toEqual({ type: FailureType.storageUnreachable, retryable: true });
    }
    for (const problem of ['bad-credentials', 'no-credentials', 'access-denied', 'bucket-missing', 'wrong-region', 'unexpected'] as const) {
      expect(failureOf(new StorageAccessError(problem, 'no'))).toEqual({ type: FailureType.storageAccess, retryable: false });
    }
  });

  it('leaves ApplicationFailures, plain errors and non-errors alone', () => {
    const app = ApplicationFailure.retryable('torn read', FailureType.corruptArtifact);
    expect(toActivityFailure(app)).toBe(app);
    const plain = new Error('a bug');
    expect(toActivityFailure(plain)).toBe(plain);
    expect(toActivityFailure('text')).toBe('text');
    expect(failureOf(null)).toBeUndefined();
  });

  it('withFailureMapping maps what every activity throws', async () => {
    const activities = withFailureMapping({ convert: async () => Promise.reject(new UnsupportedLayerConfigError('l', 'Conv2D', 'dilation 2', 'use 1')) });
    await expect(activities.convert()).rejects.toMatchObject({ type: FailureType.unsupportedModel, nonRetryable: true });
  });
});

/** Every `class X extends ...Error` in liteship's source, so a new error class cannot go untested. */
function declaredErrorClasses(): string[] {
  const root = path.resolve(__dirname, '../../..');
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'test', 'bench', '.liteship', '.git'].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(full, 'utf8').matchAll(/class (\w+) extends (\w*Error)\b/g)) found.push(m[1]!);
      }
    }
  };
  walk(root);
  return found;
}

it('every error class in the source is in the table above (or is internal to the workflow)', () => {
  // PruneFailed never leaves releaseModel: it carries a pruning failure to the branch that ships without pruned variants.
  const internal = ['PruneFailed'];
  const covered = new Set(CASES.map(([name]) => name));
  const missing = declaredErrorClasses().filter((name) => !covered.has(name) && !internal.includes(name));
  expect(missing).toEqual([]);
});

// Bad input data is a user mistake, not a transient failure: DatasetError declares a
// non-retryable InvalidDataset failure (contracts/errors.ts); `name` is set explicitly for
// messages (class names do not survive minification or re-export).
import { FailureType, type FailureDeclaration } from '../../contracts/errors';

/** Machine-readable reason, stable across message wording changes. */
export type DatasetErrorCode =
  | 'gzip'
  | 'too-small'
  | 'bad-magic'
  | 'bad-type'
  | 'bad-rank'
  | 'truncated-header'
  | 'zero-dim'
  | 'truncated'
  | 'trailing-bytes'
  | 'too-large'
  | 'wrong-type'
  | 'wrong-rank'
  | 'wrong-shape'
  | 'count-mismatch'
  | 'label-range'
  | 'csv-syntax'
  | 'csv-value'
  | 'empty'
  | 'corrupt-encoding'
  | 'not-found'
  | 'bad-image'
  | 'empty-class'
  | 'too-few-classes'
  | 'class-mismatch';

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  static readonly failure: FailureDeclaration = { type: FailureType.invalidDataset, retryable: false };
  constructor(
    readonly code: DatasetErrorCode,
    /** File or URI the problem was found in. */
    readonly source: string,
    /** What was wrong and how to fix it; the source is prefixed here. */
    detail: string,
  ) {
    super(`${source}: ${detail}`);
  }
}

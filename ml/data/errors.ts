// Bad input data is a user mistake, not a transient failure: the pipeline maps
// DatasetError to a non-retryable failure whose type is `name`, so the name is
// set explicitly (class names do not survive minification or re-export).

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

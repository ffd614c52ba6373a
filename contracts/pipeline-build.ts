/** Which pipeline code a worker runs: recorded in every manifest so a release can be traced and rebuilt. */
export interface PipelineBuild {
  /** git commit of the pipeline code the worker runs, with `-dirty` when it has uncommitted changes. */
  gitCommit: string;
  liteshipVersion: string;
}

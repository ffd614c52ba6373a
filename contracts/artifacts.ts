/** A pointer to bytes in the object store: the only way data crosses workflow history. */
export interface ArtifactRef {
  /** `s3://bucket/key` */
  uri: string;
  sha256: string;
  bytes: number;
}

/** Key layout inside the bucket. Internal artifacts live under `_liteship/`, which no model name can take. */
export const storageKeys = {
  /** A prepared dataset's manifest (its sha256 is the data fingerprint); it names its shards. */
  dataset: (sha256: string) => `_liteship/datasets/${sha256}.json`,
  datasetShard: (sha256: string) => `_liteship/datasets/shards/${sha256}.lssh`,
  checkpoint: (workflowId: string, epoch: number) => `_liteship/runs/${workflowId}/checkpoints/epoch-${epoch}.lsm`,
  trainedModel: (workflowId: string) => `_liteship/runs/${workflowId}/model.lsm`,
  pruneCheckpoint: (workflowId: string, epoch: number) => `_liteship/runs/${workflowId}/checkpoints/pruned-epoch-${epoch}.lsm`,
  prunedModel: (workflowId: string) => `_liteship/runs/${workflowId}/pruned-model.lsm`,
  tflite: (workflowId: string, variant: string) => `_liteship/runs/${workflowId}/${variant}.tflite`,
  /** The version a run claimed (or is about to claim), so a retried publish finishes that one. */
  runReleaseClaim: (workflowId: string, runId: string) => `_liteship/runs/${workflowId}/release-claim-${runId}.json`,
  releasePrefix: (model: string) => `${model}/`,
  releaseFile: (model: string, version: string, file: string) => `${model}/${version}/${file}`,
};

export const RELEASE_FILES = {
  model: 'model.tflite',
  metrics: 'metrics.json',
  /** A self-contained page for people: charts, confusion matrix, mistakes, diff with the previous release. */
  report: 'report.html',
  manifest: 'manifest.json',
  claim: '.claim.json',
  /** Written when the run holding the claim failed: the number stays taken, with no release. */
  abandoned: '.abandoned.json',
} as const;

/** Who holds a version: `.claim.json`. */
export interface ReleaseClaimFile {
  workflowId: string;
  runId: string;
  claimedAt: string;
}

/** Why a claimed version has no release: `.abandoned.json`. */
export interface AbandonedClaimFile {
  workflowId: string;
  runId: string;
  abandonedAt: string;
  reason: string;
}

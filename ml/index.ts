// Public surface of liteship's ML library (no Temporal, no S3: bytes in,
// results out). The backend is chosen by the caller (see ./backend.ts).
export { DatasetError } from './data/errors';
export type { DatasetErrorCode } from './data/errors';
export { parseIdx, encodeIdx, isGzip } from './data/idx';
export type { IdxTensor, IdxDtype, IdxData } from './data/idx';
export {
  checkImageSet,
  imageSetFromIdx,
  imageSetFromIdxBytes,
  imageSize,
  sliceImageSet,
} from './data/dataset';
export type { ImageSet, PreparedDataset, IdxPairNames } from './data/dataset';
export { imageSetFromCsv } from './data/csv';
export type { CsvImageOptions } from './data/csv';
export { loadMnist, mnistDataLocation, MNIST_NUM_CLASSES } from './data/mnist';
export { readLocalCsv, readLocalFile, readLocalIdxPair } from './data/sources';
export { epochPermutation, createRng, mixSeed } from './data/shuffle';
export { gatherInputTensor, gatherLabelTensor, normalizePixels, toInputTensor, toLabelTensor, PIXEL_SCALE } from './data/tensors';
export { ARCHITECTURES, DEFAULT_LEARNING_RATE, compileModel, createModel } from './models';
export type { Architecture, ModelOptions } from './models';
export { imageSetBatches, tensorBatches } from './data/batches';
export type { Batch, BatchSource } from './data/batches';
export { runEpochs } from './loop/epoch-loop';
export type { LoopEpoch, LoopHooks, LoopOptions, LoopProgress, LoopResult, StepContext } from './loop/epoch-loop';
export type { RunnerOptions, StepMethod } from './loop/step-runners';
export { TrainingDivergedError, trainModel } from './train';
export type { BatchProgress, EpochResult, TrainOptions, TrainingHistory, TrainingHooks } from './train';
export { ConfusionAccumulator, MAX_MISTAKES, evaluateModel, scoreClassifier } from './evaluate';
export type { ClassifierScore, EvaluationResult, PredictBatch } from './evaluate';
export { ModelFormatError, deserializeModel, serializeModel } from './model-io';
export type { SerializeOptions } from './model-io';
export { parseNpy } from './data/npy';
export type { NpyArray } from './data/npy';
export { pruneDuringFineTuning, pruneOnExamples, sparsityReport } from './prune';
export type { KernelSparsity, PruneOptions, PruneProgress, PruneResult } from './prune';
export * from './architectures';
export { headOf, memorySource, materialize, range, streamBatches } from './data/batch-source';
export type { Examples, ExampleSource } from './data/batch-source';
export { ShardedSource } from './data/sharded-source';
export type { ShardLoader } from './data/sharded-source';
export { ShardWriter } from './data/shard-writer';
export type { StoreShard } from './data/shard-writer';
export { decodeShard, encodeShard, shardCapacity } from './data/shards';
export { DATASET_FORMAT, decodeDatasetManifest, encodeDatasetManifest } from './data/dataset-manifest';
export type { DatasetManifest, ShardInfo, SkippedFile, SplitManifest } from './data/dataset-manifest';
export { checkedClasses, prepareImageFolder } from './data/image-folder';
export type { ClassFolder, FolderReader, ImageFolderOptions, PreparedFolder } from './data/image-folder';
export { decodeImage, imageDimensions, isImageFile } from './data/image-decode';
export { augmentBatch } from './data/augment';
export type { AugmentOptions } from './data/augment';
export { classFoldersOf, listLocalFolder } from './data/folder-listing';

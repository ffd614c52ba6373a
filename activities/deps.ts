/** Everything activities need from the outside world, passed in by the composition root (worker.ts) or by tests. */
import type { BackendPreference, BackendReport, PipelineBuild } from '../contracts';
import type { ObjectStore } from '../infra/object-store';

export type { PipelineBuild } from '../contracts';

export interface ActivityDeps {
  store: ObjectStore;
  build: PipelineBuild;
  /** Selects and initialises the tfjs backend once per process; returns what was chosen. */
  initBackend(preference: BackendPreference): Promise<BackendReport>;
  /** Versions of the runtimes the worker loaded (node, tfjs, tfjs-tflite-node, TFLite). */
  runtimeVersions(): Record<string, string>;
  /** Reads a data location from the spec (a local path on the worker's machine or an s3:// URI). */
  readLocation(location: string): Promise<Uint8Array>;
}

/** Everything activities need from the outside world, passed in by the composition root (worker.ts) or by tests. */
import type { BackendPreference, BackendReport, PipelineBuild } from '../contracts';
import type { ObjectStore } from '../infra/object-store';

export type { PipelineBuild } from '../contracts';

export interface ActivityDeps {
  store: ObjectStore;
  build: PipelineBuild;
  /** Makes the spec's tfjs backend the active one (switching if another is active); returns what it is. */
  initBackend(preference: BackendPreference): Promise<BackendReport>;
  /** Versions of the runtimes the worker loaded (node, tfjs, tfjs-tflite-node, TFLite). */
  runtimeVersions(): Record<string, string>;
  /** Link to a workflow in the Temporal UI, when its address is known (for the release report). */
  workflowUrl?(workflowId: string): string | undefined;
  /** Reads a data location from the spec (a local path on the worker's machine or an s3:// URI). */
  readLocation(location: string): Promise<Uint8Array>;
  /** Lists an image-folder dataset root (local folder or s3:// prefix); see folder-reader.ts. */
  listLocation(root: string): Promise<string[]>;
}

/**
 * The training backend per activity, as the spec asks: a worker honours each spec's
 * `training.backend` by switching tfjs to it when the activity starts, instead of keeping the
 * first one it initialised (which silently trained a `"backend": "wasm"` spec on TensorFlow).
 *
 * Why switching rather than refusing or a worker per backend: tfjs-node and the wasm module
 * each load once per process and then coexist, so a switch is a `tf.setBackend` call; the training
 * worker runs one activity at a time, so no training activity sees the switch mid-way; and one
 * local training worker keeps serving every spec (a worker per backend would double the memory of
 * a 2-core machine, refusing would send users to restart workers by hand). A backend that cannot
 * load here (tfjs-node not built) fails with BackendUnavailableError, non-retryable, saying how to
 * fix it. Every activity that computes with tfjs calls it: train, prune and evaluate (all on the
 * training worker). The pipeline worker's convert only reads weights out of tfjs (exact on any
 * backend; int8 calibration runs in the TFLite interpreter) and benchmark runs TFLite alone, so the
 * backend a `--queue all` process last switched to cannot change their output.
 */
import type { BackendReport } from '../contracts/results';
import type { BackendPreference } from '../contracts/spec';
import { backendDetails, describeBackend, initTrainingBackend } from './backend';

export function createBackendSelector(log: (line: string) => void): (preference: BackendPreference) => Promise<BackendReport> {
  let active: string | undefined;
  // Calls are serialised: two activities starting together must not interleave their switches.
  let queue: Promise<unknown> = Promise.resolve();
  return (preference) => {
    const next = queue.then(async () => {
      const info = await initTrainingBackend(preference);
      const line = describeBackend(info);
      if (line !== active) log(`training backend: ${line}${active === undefined ? '' : ` (switched for a spec asking for "${preference}")`}`);
      active = line;
      return { name: info.name, tfjsVersion: info.tfjsVersion, details: backendDetails(info) };
    });
    queue = next.catch(() => undefined);
    return next;
  };
}

/**
 * Before a release starts: every `type` in a layers architecture must be in the TFLite
 * converter's table (ml/architectures, which reads tflite's own list), so a typo or an
 * unsupported layer is a spec error at the prompt, not a failed workflow.
 */
import { SpecValidationError, type ReleaseSpec } from '../contracts';

export async function checkLayerTypes(spec: ReleaseSpec, source: string): Promise<void> {
  const arch = spec.architecture;
  if (typeof arch !== 'object' || !('layers' in arch)) return;
  // Loaded only for layer specs: it brings in TensorFlow.js.
  const { layerTypeProblems } = await import('../ml/architectures/layer-list');
  const { converterTable } = await import('../tflite');
  const { problems, supported } = layerTypeProblems(arch.layers, converterTable());
  if (problems.length === 0) return;
  throw new SpecValidationError(
    problems.map((p, i) => ({ path: `architecture.layers[${p.index}].type`, message: i === problems.length - 1 ? `${p.message}; ${supported}` : p.message })),
    source,
  );
}

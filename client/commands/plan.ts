/** `liteship plan <spec.json>`: for every step, run or reuse, and which part of the recipe key changed. No release, no writes. */
import { WorkflowFailedError } from '@temporalio/client';
import { PIPELINE_TASK_QUEUE, type RecipePlan } from '../../contracts';
import { parseArgs, usageError } from '../args';
import { openEnvironment } from '../environment';
import type { planRelease } from '../../workflows';
import type { CommandIO } from '../io';
import { ensureLocalWorkers } from '../local-workers';
import { loadSpecFile } from '../spec-file';
import { failureChain } from '../summary';

const USAGE = `liteship plan <spec.json> [--json]
Says what \`liteship run <spec.json>\` would do, without training: the recipe key (spec, data, code,
toolchain), what changed since the latest release, whether the run would end at once as
"unchanged", and for each step whether it would run or be skipped, and why. It reads the data to
fingerprint it (as a run does) and changes nothing.

Options:
  --json   the plan as JSON

Example:
  liteship plan specs/mnist.json`;

export function formatPlan(plan: RecipePlan): string {
  const lines = [
    `plan for ${plan.model}: recipe key ${plan.recipe.key.slice(0, 12)} (spec ${plan.recipe.parts.spec.slice(0, 8)}, data ${plan.recipe.parts.data.slice(0, 8)}, code ${plan.recipe.parts.code.slice(0, 7)}, toolchain ${plan.recipe.parts.toolchain.slice(0, 8)})`,
    plan.comparedWith
      ? `compared with ${plan.comparedWith.version} (the latest release): ${plan.changed.length ? `changed ${plan.changed.join('; ')}` : 'nothing changed'}`
      : `${plan.model} has no release yet: everything runs`,
  ];
  if (plan.unchanged) lines.push(`a run would end in seconds: unchanged: ${plan.unchanged.reason}`);
  const width = Math.max(...plan.steps.map((s) => s.step.length));
  for (const s of plan.steps) lines.push(`  ${s.step.padEnd(width)}  ${s.action.padEnd(5)}  ${s.why}`);
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

export async function planCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json'] }, USAGE);
  const [specPath, ...extra] = args.positionals;
  if (!specPath || extra.length > 0) throw usageError('expected one spec file', USAGE);
  const spec = await loadSpecFile(specPath);
  const say = (line: string) => io.stderr(`${line}\n`);
  const env = await openEnvironment(say);
  try {
    if (env.config.temporal.mode === 'local') await ensureLocalWorkers(env.config, env.client, say);
    const workflowId = `plan-${spec.model}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    try {
      const plan = await env.client.workflow.execute<typeof planRelease>('planRelease', { taskQueue: PIPELINE_TASK_QUEUE, workflowId, args: [spec] });
      io.stdout(args.flags.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
      return 0;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      io.stderr(`plan failed:\n${failureChain(err).map((r) => `  ${r}`).join('\n')}\n`);
      return 1;
    }
  } finally {
    await env.close();
  }
}

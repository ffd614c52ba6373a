/**
 * The whole `liteship run` against the sum of its steps: what orchestration (workflow
 * start, activity scheduling, worker start-up, the CLI itself) adds to the work.
 *
 *   npx tsx bench/run-overhead.ts [--spec specs/mnist.json] [--runs 2]
 *
 * Runs `node bin/liteship.js run <spec> --force --json` (the stack and workers it needs
 * are started by liteship itself, on the ports of the LITESHIP_* environment), timing the
 * command's wall time, then reads the steps' durations from `liteship status <id> --json`.
 * The first run on a machine also installs and starts the servers: run it twice and read
 * the second line. Prints one line per run and a markdown table.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(__dirname, '..');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'liteship.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - start }));
  });
}

interface StatusJson {
  workflowId: string;
  startTime?: string;
  closeTime?: string;
  progress?: { steps: Record<string, { status: string; durationMs?: number }> };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { spec: { type: 'string', default: 'specs/mnist.json' }, runs: { type: 'string', default: '2' } } });
  const rows: string[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const id = `bench-overhead-${Date.now().toString(36)}`;
    const load = os.loadavg()[0]!.toFixed(2);
    const run = await cli(['run', values.spec!, '--force', '--json', '--id', id]);
    if (run.code !== 0) throw new Error(`liteship run exited ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const status = await cli(['status', id, '--json']);
    const parsed = JSON.parse(status.stdout) as StatusJson;
    const steps = Object.entries(parsed.progress?.steps ?? {}).filter(([, s]) => s.durationMs !== undefined);
    const stepsMs = steps.reduce((a, [, s]) => a + s.durationMs!, 0);
    const workflowMs = parsed.startTime && parsed.closeTime ? Date.parse(parsed.closeTime) - Date.parse(parsed.startTime) : NaN;
    const detail = steps.map(([name, s]) => `${name} ${(s.durationMs! / 1000).toFixed(1)}`).join(', ');
    process.stderr.write(`[bench/run-overhead] run ${i + 1}: ${(run.ms / 1000).toFixed(1)} s (${detail})\n`);
    rows.push(
      `| ${i + 1} | ${(run.ms / 1000).toFixed(1)} s | ${(workflowMs / 1000).toFixed(1)} s | ${(stepsMs / 1000).toFixed(1)} s | ` +
        `${((run.ms - stepsMs) / 1000).toFixed(1)} s | ${detail} | ${load} |`,
    );
  }
  process.stdout.write(
    [
      `\`liteship run ${values.spec} --force\` (${os.cpus().length} CPUs)`,
      '',
      '| run | CLI wall time | workflow start to close | sum of steps | CLI wall - steps | steps (s) | load (1 min) |',
      '|---:|---:|---:|---:|---:|---|---:|',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

/** The liteship CLI: one file per command, dispatched here. */
import { processIO, type Command, type CommandIO } from './io';

const HELP = `liteship: ship TensorFlow.js models as benchmarked, versioned TFLite releases

Usage:
  liteship run <spec.json> [--detach] [--json]   start a release workflow and follow it
  liteship status <workflow-id> [--json]          show a run's steps and result
  liteship releases <model> [--json]              list published releases
  liteship pull <model> <version> -o <file>       download a release's .tflite (sha256 checked)
  liteship report <model> <version> [-o <file>]   write the release's report.html (charts, confusion matrix, changes)
  liteship compare <model> <a> <b> [--json]       what changed from release a to release b
  liteship convert <model.json|dir> -o <file>     convert a saved tfjs layers model to .tflite
  liteship inspect <file.tflite> [--json]         show ops, tensors, signature and sizes
  liteship dev up|down|status                     manage the local stack (Temporal + MinIO)
  liteship worker [--queue pipeline|training]     run workers (for real deployments)

Configuration comes from the environment: TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
TEMPORAL_TLS*) for a Temporal cluster, LITESHIP_S3_BUCKET (+ LITESHIP_S3_ENDPOINT, AWS_REGION and the
AWS credential chain) for S3. With neither set, liteship starts a local stack in .liteship/.
`;

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run')).runCommand,
  status: async () => (await import('./commands/status')).statusCommand,
  releases: async () => (await import('./commands/releases')).releasesCommand,
  pull: async () => (await import('./commands/pull')).pullCommand,
  report: async () => (await import('./commands/report')).reportCommand,
  compare: async () => (await import('./commands/compare')).compareCommand,
  convert: async () => (await import('./commands/convert')).convertCommand,
  inspect: async () => (await import('./commands/inspect')).inspectCommand,
  dev: async () => (await import('./commands/dev')).devCommand,
  worker: async () => (await import('./commands/worker')).workerCommand,
};

export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(HELP);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`liteship: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (err) {
    return reportError(err, io);
  }
}

/** Known, fixable problems print as one message; anything else keeps its stack for a bug report. */
function reportError(err: unknown, io: CommandIO): number {
  const known = ['UsageError', 'ConfigError', 'SpecValidationError', 'StorageAccessError', 'LocalStackError', 'PrerequisiteError', 'DatasetError'];
  if (err instanceof Error && known.includes(err.name)) {
    io.stderr(`liteship: ${err.message}\n`);
    return err.name === 'UsageError' ? 2 : 1;
  }
  io.stderr(`liteship: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

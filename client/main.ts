/** The liteship CLI: one file per command, dispatched here. */
import { HelpRequested } from './args';
import { ExitCode } from './exit-codes';
import { processIO, UsageError, type Command, type CommandIO } from './io';
import { reportError } from './report-error';
import { liteshipVersion } from './version';

const HELP = `liteship: ship TensorFlow.js models as benchmarked, versioned TFLite releases

Usage:
  liteship init <name> --data <folder>            write a starting spec for a folder of images
  liteship run <spec.json> [--force] [--detach] [--json]   start a release workflow and follow it
  liteship plan <spec.json> [--json]              what a run would do: each step run or reuse, and why
  liteship status <workflow-id> | <model> <version|channel> [--json]   a run's steps and result
  liteship releases <model> [--json]              list published releases
  liteship pull <model> <version|channel> -o <file>  download a release's .tflite (sha256 checked)
  liteship channels <model> [--json]              each channel (latest, stable, ...) and its version
  liteship promote <model> <version> --to <channel> [--reason ...]   point a channel at a release
  liteship rollback <model> --channel <channel>   move a channel back to its previous version
  liteship history <model> --channel <channel>    every move of a channel
  liteship report <model> <version|channel> [-o <file>]   write the release's report.html (charts, confusion matrix, changes)
  liteship compare <model> <a> <b> [--json]       what changed from release a to release b
  liteship convert <model.json|dir> -o <file>     convert a saved tfjs layers model to .tflite
  liteship inspect <file.tflite> [--json]         show ops, tensors, signature and sizes
  liteship schedule create <spec.json> --every 1d | --cron "0 3 * * 1" [--id ...]   release on a schedule
  liteship schedule list | describe <id> | pause <id> | unpause <id> | trigger <id> | delete <id>
  liteship dev up|down|status                     manage the local stack (Temporal, MinIO, supervised workers)
  liteship worker [--queue pipeline|training]     run workers (for real deployments)
  liteship help <command>                         a command's options (also: liteship <command> --help)
  liteship --version                              print liteship's version

Configuration comes from the environment: TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
TEMPORAL_TLS*) for a Temporal cluster, LITESHIP_S3_BUCKET (+ LITESHIP_S3_ENDPOINT, AWS_REGION and the
AWS credential chain) for S3. With neither set, liteship starts a local stack in .liteship/.
Exit codes: 0 done, 2 usage, 3 invalid input, 5 rejected by the gate, ... (README, "Exit codes").
`;

const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./commands/init')).initCommand,
  run: async () => (await import('./commands/run')).runCommand,
  plan: async () => (await import('./commands/plan')).planCommand,
  status: async () => (await import('./commands/status')).statusCommand,
  releases: async () => (await import('./commands/releases')).releasesCommand,
  pull: async () => (await import('./commands/pull')).pullCommand,
  channels: async () => (await import('./commands/channels')).channelsCommand,
  promote: async () => (await import('./commands/promote')).promoteCommand,
  rollback: async () => (await import('./commands/rollback')).rollbackCommand,
  history: async () => (await import('./commands/history')).historyCommand,
  schedule: async () => (await import('./commands/schedule')).scheduleCommand,
  report: async () => (await import('./commands/report')).reportCommand,
  compare: async () => (await import('./commands/compare')).compareCommand,
  convert: async () => (await import('./commands/convert')).convertCommand,
  inspect: async () => (await import('./commands/inspect')).inspectCommand,
  dev: async () => (await import('./commands/dev')).devCommand,
  worker: async () => (await import('./commands/worker')).workerCommand,
};

export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    io.stdout(HELP);
    return ExitCode.usage;
  }
  if (name === '--help' || name === '-h') {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`liteship ${liteshipVersion()}\n`);
    return ExitCode.ok;
  }
  if (name === 'help') {
    // `liteship help <command>` is `liteship <command> --help`: every command answers --help first.
    const [topic, ...extra] = rest;
    if (!topic) {
      io.stdout(HELP);
      return ExitCode.ok;
    }
    if (extra.length > 0) return reportError(new UsageError(`help takes one command name, got ${rest.join(' ')}\nusage: liteship help <command>`), io);
    return runCommand(topic, ['--help'], io);
  }
  if (name.startsWith('-')) return reportError(new UsageError(`unknown option ${name}: options go after the command\nusage: liteship <command> [options]  (\`liteship --help\` lists the commands)`), io);
  return runCommand(name, rest, io);
}

async function runCommand(name: string, argv: string[], io: CommandIO): Promise<number> {
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`liteship: unknown command "${name}"\n\n${HELP}`);
    return ExitCode.usage;
  }
  try {
    return await (await load())(argv, io);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.stdout(`usage: ${err.help.trimEnd()}\n`);
      return ExitCode.ok;
    }
    return reportError(err, io);
  }
}

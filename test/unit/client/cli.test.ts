// The CLI's front door: argument parsing (util.parseArgs underneath), --help, help <command>,
// --version, and how errors end (one line and an exit code; a stack only for bugs, on request).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState, TerminatedFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { HelpRequested, parseArgs } from '../../../client/args';
import { ExitCode, EXIT_CODE_BY_FAILURE } from '../../../client/exit-codes';
import { main } from '../../../client/main';
import { reportError } from '../../../client/report-error';
import { exitCodeForRunFailure } from '../../../client/run-exit-code';
import { FailureType } from '../../../contracts';
import { DatasetError } from '../../../ml/data/errors';

const HELP = 'liteship demo <thing> [--json] [-o <file>]\nDoes a demo.\n\nOptions:\n  --json  as JSON';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('parseArgs', () => {
  const spec = { boolean: ['json'], string: ['output', 'file'], aliases: { o: 'output', out: 'output' } };

  it('reads positionals, booleans, values in every spelling, and -- ends the options', () => {
    expect(parseArgs(['a', '--json', '-o', 'x.tflite', 'b'], spec, HELP)).toEqual({ positionals: ['a', 'b'], flags: { json: true, output: 'x.tflite' } });
    expect(parseArgs(['--output=y', '--file', 'm.json'], spec, HELP).flags).toEqual({ output: 'y', file: 'm.json' });
    expect(parseArgs(['-oz'], spec, HELP).flags).toEqual({ output: 'z' });
    expect(parseArgs(['--out', 'w'], spec, HELP).flags).toEqual({ output: 'w' });
    expect(parseArgs(['--', '--json', '-'], spec, HELP)).toEqual({ positionals: ['--json', '-'], flags: {} });
  });

  it.each([
    [['--yaml'], 'unknown option --yaml'],
    [['-x'], 'unknown option -x'],
    [['--output'], '--output needs a value'],
    [['--json=yes'], '--json takes no value'],
  ])('%j is a usage error that ends with the synopsis', (argv, problem) => {
    expect(() => parseArgs(argv, spec, HELP)).toThrow(
      `${problem}\nusage: liteship demo <thing> [--json] [-o <file>]\n(\`liteship demo --help\` for details)`,
    );
  });

  it('--help and -h ask for the help text, even next to other mistakes', () => {
    for (const argv of [['--help'], ['-h'], ['--yaml', '--help']]) {
      let thrown: unknown;
      try {
        parseArgs(argv, spec, HELP);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(HelpRequested);
      expect((thrown as HelpRequested).help).toBe(HELP);
    }
  });
});

describe('liteship', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V', 'version']) expect(await cli([flag])).toEqual({ code: 0, stdout: `liteship ${version}\n`, stderr: '' });
  });

  it('help <command> and <command> --help print the same help, exit 0, and run nothing', async () => {
    const commands = ['run', 'status', 'releases', 'pull', 'convert', 'inspect', 'dev', 'worker', 'init', 'plan', 'channels', 'promote', 'rollback', 'history', 'schedule', 'report', 'compare'];
    for (const command of commands) {
      const viaHelp = await cli(['help', command]);
      const viaFlag = await cli([command, '--help']);
      expect(viaHelp).toEqual(viaFlag);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toMatch(new RegExp(`^usage: liteship ${command}\\b[^\\n]*\\n.+`, 's'));
      expect(viaHelp.stderr).toBe('');
    }
  });

  it('an unknown option gets that command\'s usage and exit code 2', async () => {
    const { code, stdout, stderr } = await cli(['releases', 'mnist', '--bogus']);
    expect(code).toBe(ExitCode.usage);
    expect(stdout).toBe('');
    expect(stderr).toBe('liteship: unknown option --bogus\nusage: liteship releases <model> [--json]\n(`liteship releases --help` for details)\n');
  });

  it.each([
    [['pull', '../x', 'v1', '-o', 'x.tflite'], 'model name "../x" must be lowercase letters, digits and dashes'],
    [['pull', 'mnist', '../v1', '-o', 'x.tflite'], 'version "../v1" must be letters, digits, dots, dashes or underscores'],
    [['releases', 'Bad_Name'], 'model name "Bad_Name" must be lowercase letters'],
    [['channels', '../x'], 'model name "../x" must be lowercase letters'],
    [['promote', 'a b', 'v1', '--to', 'stable'], 'model name "a b" must be lowercase letters'],
    [['promote', 'mnist', '../v1', '--to', 'stable'], 'version "../v1" must be letters'],
    [['rollback', 'Mnist', '--channel', 'stable'], 'model name "Mnist" must be lowercase letters'],
    [['history', 'mnist/x', '--channel', 'stable'], 'model name "mnist/x" must be lowercase letters'],
    [['init', '../x', '--data', '.'], 'model name "../x" must be lowercase letters'],
    [['schedule', 'create', 'spec.json'], 'give exactly one of --every or --cron'],
  ])('model names and versions are checked with the spec\'s rule before anything connects: %j', async (argv, message) => {
    const { code, stderr } = await cli(argv);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('unknown commands and stray options list the commands', async () => {
    expect((await cli(['deploy'])).code).toBe(ExitCode.usage);
    expect((await cli(['--json'])).stderr).toContain('unknown option --json: options go after the command');
    expect((await cli(['help', 'deploy'])).stderr).toContain('unknown command "deploy"');
  });
});

describe('reportError', () => {
  const capture = () => {
    let err = '';
    return { io: { stdout: () => undefined, stderr: (s: string) => (err += s) }, err: () => err };
  };

  it('a known failure is its message alone, with the code of its type', () => {
    const { io, err } = capture();
    expect(reportError(new DatasetError('truncated', 'a.idx', 'truncated: header says 10 bytes'), io, {})).toBe(ExitCode.invalidInput);
    expect(err()).toBe('liteship: a.idx: truncated: header says 10 bytes\n');
  });

  it('anything else is a bug: one line, a hint to report it, the stack only with LITESHIP_DEBUG=1', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')\nmore detail");
    const quiet = capture();
    expect(reportError(bug, quiet.io, {})).toBe(ExitCode.internalError);
    expect(quiet.err()).toBe(
      "liteship: unexpected error: Cannot read properties of undefined (reading 'x')\n" +
        'This is a bug in liteship: please report it with the command you ran and the output of the same command with LITESHIP_DEBUG=1 (which adds the stack trace).\n',
    );
    const debug = capture();
    expect(reportError(bug, debug.io, { LITESHIP_DEBUG: '1' })).toBe(ExitCode.internalError);
    expect(debug.err()).toContain('at ');
    expect(debug.err()).toContain('cli.test.ts');
  });
});

describe('exit codes of runs', () => {
  const activityFailed = (cause: Error) => new ActivityFailure('Activity task failed', 'train', '5', RetryState.NON_RETRYABLE_FAILURE, undefined, cause);

  it('every failure type has a code', () => {
    for (const type of Object.values(FailureType)) expect(EXIT_CODE_BY_FAILURE[type]).toEqual(expect.any(Number));
  });

  it.each([
    ['a bad dataset', activityFailed(ApplicationFailure.nonRetryable('truncated', FailureType.invalidDataset)), ExitCode.invalidInput],
    ['the gate', ApplicationFailure.nonRetryable('nothing was published', FailureType.gateFailed), ExitCode.rejectedByGate],
    ['storage down for good', activityFailed(ApplicationFailure.retryable('refused', FailureType.storageUnreachable)), ExitCode.unavailable],
    ['an unknown type', activityFailed(ApplicationFailure.retryable('boom', 'Error')), ExitCode.failed],
    ['an activity timeout', activityFailed(new TimeoutFailure('timed out', undefined, TimeoutType.HEARTBEAT)), ExitCode.failed],
    ['cancellation', new CancelledFailure('cancelled'), ExitCode.cancelled],
    ['termination', new TerminatedFailure('terminated'), ExitCode.cancelled],
    ['a workflow timeout', new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE), ExitCode.cancelled],
  ])('%s', (_title, cause, code) => {
    expect(exitCodeForRunFailure(Object.assign(new Error('Workflow execution failed'), { cause }))).toBe(code);
  });
});

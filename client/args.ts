/**
 * Command-line parsing for every command, on Node's built-in `util.parseArgs` (maintained with
 * Node itself, no dependency): it tokenizes `--name value`, `--name=value`, `-o value`, `-ofile`
 * and `--`; this module adds liteship's rules on top: unknown options and missing values are
 * errors answered with the command's usage, and `--help`/`-h` prints the command's help.
 *
 *   const args = parseArgs(argv, { boolean: ['json'], string: ['output'], aliases: { o: 'output' } }, HELP);
 *
 * `help` is the command's help text: its first line is the usage synopsis (shown with errors),
 * the rest (options, examples) is shown by `liteship <command> --help` and `liteship help <command>`.
 */
import { parseArgs as tokenize } from 'node:util';
import { modelNameProblem, versionProblem } from '../contracts/names';
import { UsageError } from './io';

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

export interface ArgSpec {
  boolean?: string[];
  string?: string[];
  /** Other names for an option: one letter (`o: 'output'` gives `-o`) or a long name. */
  aliases?: Record<string, string>;
}

/** Thrown when `--help` is given: the CLI prints `help` and exits 0 without running the command. */
export class HelpRequested {
  constructor(readonly help: string) {}
}

/** The synopsis line of a help text, and where to read the rest. */
export function usageLine(help: string): string {
  const synopsis = help.split('\n')[0] ?? help;
  const command = /^liteship (\S+)/.exec(synopsis)?.[1];
  const more = help.includes('\n') && command ? `\n(\`liteship ${command} --help\` for details)` : '';
  return `usage: ${synopsis}${more}`;
}

/** A UsageError that ends with the command's usage. */
export function usageError(problem: string, help: string): UsageError {
  return new UsageError(`${problem}\n${usageLine(help)}`);
}

export function parseArgs(argv: string[], spec: ArgSpec, help: string): ParsedArgs {
  type Option = { type: 'string' | 'boolean'; short?: string };
  const options: Record<string, Option> = { help: { type: 'boolean', short: 'h' } };
  for (const name of spec.boolean ?? []) options[name] = { type: 'boolean' };
  for (const name of spec.string ?? []) options[name] = { type: 'string' };
  const canonical = new Map<string, string>(Object.keys(options).map((n) => [n, n]));
  for (const [alias, target] of Object.entries(spec.aliases ?? {})) {
    const option = options[target];
    if (!option) throw new Error(`parseArgs: alias ${alias} names no option ${target}`);
    if (alias.length === 1) option.short = alias;
    else {
      options[alias] = { type: option.type };
      canonical.set(alias, target);
    }
  }
  let tokens;
  try {
    ({ tokens } = tokenize({ args: argv, options, strict: false, allowPositionals: true, tokens: true }));
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err), help);
  }
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) throw new HelpRequested(help);
  const out: ParsedArgs = { positionals: [], flags: {} };
  for (const token of tokens) {
    if (token.kind === 'positional') out.positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const name = canonical.get(token.name);
    const option = options[token.name];
    if (name === undefined || option === undefined) throw usageError(`unknown option ${token.rawName}`, help);
    if (option.type === 'string') {
      if (token.value === undefined) throw usageError(`${token.rawName} needs a value`, help);
      out.flags[name] = token.value;
    } else {
      if (token.inlineValue) throw usageError(`${token.rawName} takes no value`, help);
      out.flags[name] = true;
    }
  }
  return out;
}

/** A model name argument, checked with the spec's rule (it becomes a path segment in the bucket). */
export function modelNameArg(name: string, help: string): string {
  const problem = modelNameProblem(name);
  if (problem) throw usageError(`model name ${problem}`, help);
  return name;
}

/** A release version argument, checked with the spec's rule. */
export function versionArg(version: string, help: string): string {
  const problem = versionProblem(version);
  if (problem) throw usageError(`version ${problem}`, help);
  return version;
}

/** A configuration value is wrong: the message names the variable and says how to fix it. */
import { FailureType, type FailureDeclaration } from '../contracts/errors';
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  static readonly failure: FailureDeclaration = { type: FailureType.invalidConfig, retryable: false };
}

export function parsePort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a TCP port: use a whole number between 1 and 65535`);
  }
  return port;
}

/** Booleans the way Temporal's envconfig reads them ("1"/"true" and "0"/"false"), plus yes/no. */
export function parseBool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a boolean: use true or false`);
}

export function parsePositiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name}=${JSON.stringify(raw)} must be a positive whole number`);
  return n;
}

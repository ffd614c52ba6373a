// The four local ports of a state folder's stack. A port set in the environment is explicit (used as
// is, or refused when taken); otherwise the ports recorded in the state folder (ports.json, written
// whenever the stack starts) are used, so every later command and the Temporal UI link agree with the
// running servers; otherwise the defaults. Ports that are not explicit may be moved when another
// checkout's stack holds them (local-stack/port-choice.ts).
import fs from 'node:fs';
import path from 'node:path';
import { parsePort } from './config-errors';

export type PortName = 'temporalPort' | 'temporalUiPort' | 's3Port' | 's3ConsolePort';
export type LocalPorts = Record<PortName, number>;

export const PORT_NAMES: readonly PortName[] = ['temporalPort', 'temporalUiPort', 's3Port', 's3ConsolePort'];

export const PORT_ENV: Record<PortName, string> = {
  temporalPort: 'LITESHIP_TEMPORAL_PORT',
  temporalUiPort: 'LITESHIP_TEMPORAL_UI_PORT',
  s3Port: 'LITESHIP_S3_PORT',
  s3ConsolePort: 'LITESHIP_S3_CONSOLE_PORT',
};

export const DEFAULT_PORTS: LocalPorts = { temporalPort: 7233, temporalUiPort: 8233, s3Port: 9000, s3ConsolePort: 9001 };

export const portsFile = (stateDir: string) => path.join(stateDir, 'ports.json');

/** The ports recorded in the state folder, or undefined when none are (or the file is unreadable: then the defaults apply). */
export function readRecordedPorts(stateDir: string): LocalPorts | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(portsFile(stateDir), 'utf8'));
  } catch {
    return undefined;
  }
  const rec = parsed as Partial<Record<PortName, unknown>> | null;
  const ok = rec && PORT_NAMES.every((name) => Number.isInteger(rec[name]) && (rec[name] as number) > 0 && (rec[name] as number) < 65536);
  return ok ? (Object.fromEntries(PORT_NAMES.map((name) => [name, rec[name]])) as LocalPorts) : undefined;
}

export function recordPorts(stateDir: string, ports: LocalPorts): void {
  const current = readRecordedPorts(stateDir);
  if (current && PORT_NAMES.every((name) => current[name] === ports[name])) return;
  fs.mkdirSync(stateDir, { recursive: true });
  const tmp = `${portsFile(stateDir)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(ports, null, 2)}\n`);
  fs.renameSync(tmp, portsFile(stateDir));
}

/** Ports from the environment (explicit), else the state folder's record, else the defaults. */
export function resolvePorts(env: NodeJS.ProcessEnv, stateDir: string): { ports: LocalPorts; explicit: PortName[] } {
  const recorded = readRecordedPorts(stateDir);
  const explicit = PORT_NAMES.filter((name) => (env[PORT_ENV[name]] ?? '').trim() !== '');
  const fallback = (name: PortName): number => recorded?.[name] ?? DEFAULT_PORTS[name];
  const temporalPort = parsePort(env, PORT_ENV.temporalPort, fallback('temporalPort'));
  // An explicit Temporal port without a UI port keeps the dev server's own default, port + 1000.
  const uiFallback = explicit.includes('temporalPort') || !recorded ? temporalPort + 1000 : recorded.temporalUiPort;
  const ports: LocalPorts = {
    temporalPort,
    temporalUiPort: parsePort(env, PORT_ENV.temporalUiPort, uiFallback),
    s3Port: parsePort(env, PORT_ENV.s3Port, fallback('s3Port')),
    s3ConsolePort: parsePort(env, PORT_ENV.s3ConsolePort, fallback('s3ConsolePort')),
  };
  return { ports, explicit };
}

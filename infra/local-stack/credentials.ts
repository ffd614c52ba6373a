// Root credentials of the local MinIO: generated once per state folder with a
// crypto RNG, stored 0600, never hard-coded and never printed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { S3Credentials } from '../config';
import { LocalStackError } from './errors';

export function credentialsFile(stateDir: string): string {
  return path.join(stateDir, 'minio-credentials.json');
}

/** The stored credentials, or undefined when the local stack has never been started in this state folder. */
export function readLocalCredentials(stateDir: string): S3Credentials | undefined {
  const file = credentialsFile(stateDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LocalStackError('start-failed', `${file} is not valid JSON: delete it and run 'liteship dev up' to generate new credentials`);
  }
  const c = parsed as Partial<S3Credentials> | null;
  if (!c || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string') {
    throw new LocalStackError('start-failed', `${file} lacks accessKeyId/secretAccessKey: delete it and run 'liteship dev up' to generate new credentials`);
  }
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
}

/** Reads the credentials, creating them atomically (exclusive create, mode 0600) the first time. */
export function ensureLocalCredentials(stateDir: string): S3Credentials {
  fs.mkdirSync(stateDir, { recursive: true });
  const existing = readLocalCredentials(stateDir);
  if (existing) {
    fs.chmodSync(credentialsFile(stateDir), 0o600);
    return existing;
  }
  const fresh: S3Credentials = {
    // MinIO wants >= 3 characters for the user and >= 8 for the password.
    accessKeyId: `liteship-${crypto.randomBytes(6).toString('hex')}`,
    secretAccessKey: crypto.randomBytes(30).toString('base64url'),
  };
  try {
    fs.writeFileSync(credentialsFile(stateDir), `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs so both agree with the running server.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readLocalCredentials(stateDir) ?? fresh;
    throw err;
  }
  return fresh;
}

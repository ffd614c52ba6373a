/** liteship's version, from its package.json. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../infra/paths';

export function liteshipVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

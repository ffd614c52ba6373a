/** Which pipeline code a worker runs (git commit, version) and a fingerprint of it for replacing stale local workers. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import liteshipPackage from '../package.json';
import type { PipelineBuild } from '../contracts';

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function pipelineBuild(root: string): PipelineBuild {
  const commit = git(['rev-parse', 'HEAD'], root);
  const dirty = (git(['status', '--porcelain', '--untracked-files=no'], root) ?? '').length > 0;
  return { gitCommit: commit ? `${commit}${dirty ? '-dirty' : ''}` : 'unknown (not a git checkout)', liteshipVersion: liteshipPackage.version };
}

/** Changes whenever the code a worker would load changes: lets the CLI replace stale local workers. */
export function codeFingerprint(root: string): string {
  const parts = [git(['rev-parse', 'HEAD'], root) ?? '', git(['diff', 'HEAD'], root) ?? '', git(['ls-files', '--others', '--exclude-standard'], root) ?? ''];
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

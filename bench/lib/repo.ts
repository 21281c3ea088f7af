import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Repository root: servers are started from here so their relative paths resolve. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function gitRevision(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

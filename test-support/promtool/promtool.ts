/**
 * promtool for tests: located (or installed from Debian's `prometheus` package) once per test
 * file by ensure-promtool.sh, then run synchronously with bounded time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pathFromScript, PROMTOOL } from '../system-tools/system-tools.ts';

const ENSURE = fileURLToPath(new URL('./ensure-promtool.sh', import.meta.url));

/** apt-get update plus install on a cold machine takes well under this; a hung apt lock does not. */
export const PROMTOOL_INSTALL_TIMEOUT_MS = 600_000;

let located: string | undefined;

/** Absolute path of promtool; installs it on first use when missing. */
export function promtoolPath(): string {
  located ??= pathFromScript(ENSURE, [], [PROMTOOL], PROMTOOL_INSTALL_TIMEOUT_MS);
  return located;
}

export interface PromtoolResult {
  status: number | null;
  /** stdout and stderr together: promtool splits its findings between them by subcommand. */
  output: string;
}

export function runPromtool(args: string[], input?: string): PromtoolResult {
  const result = spawnSync(promtoolPath(), args, {
    encoding: 'utf8',
    timeout: 60_000,
    ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input }),
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

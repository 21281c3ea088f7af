import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { CHROMIUM, COTURN, ensureTools } from '../../../test-support/system-tools/system-tools.ts';

const run = promisify(execFile);

/** coturn (turnserver and turnutils_uclient). */
export async function ensureCoturn(): Promise<void> {
  const installed = await ensureTools([COTURN]);
  if (installed.includes('coturn')) await stopPackagedCoturnService();
}

/** Chromium with one font, so screenshots show text. */
export async function ensureChromium(): Promise<void> {
  await ensureTools([CHROMIUM]);
}

/**
 * Debian's coturn package enables a system service on systemd hosts (its SysV script stays off
 * unless /etc/default/coturn enables it). The tests start their own coturn; the packaged one must
 * not keep listening on 3478 after we installed it.
 */
async function stopPackagedCoturnService(): Promise<void> {
  if (!existsSync('/run/systemd/system')) return;
  await run('systemctl', ['disable', '--now', 'coturn'], { timeout: 30_000 });
}

// `node tests/e2e/support/prerequisites.ts` installs everything up front (CI, or before a first run).
if (import.meta.main) {
  await ensureCoturn();
  await ensureChromium();
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { CHROMIUM_BINARY } from '../../../test-support/chromium/chromium.ts';
import { TURNSERVER_BINARY } from '../../../test-support/coturn/coturn.ts';
import { ensureDebianPackages } from './debian-packages.ts';

const run = promisify(execFile);

/** coturn (turnserver and turnutils_uclient). */
export async function ensureCoturn(): Promise<void> {
  const installed = await ensureDebianPackages([{ binary: TURNSERVER_BINARY, packages: ['coturn'] }]);
  if (installed.includes('coturn')) await stopPackagedCoturnService();
}

/** Chromium with one font, so screenshots show text. */
export async function ensureChromium(): Promise<void> {
  await ensureDebianPackages([{ binary: CHROMIUM_BINARY, packages: ['chromium', 'fonts-dejavu-core'] }]);
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

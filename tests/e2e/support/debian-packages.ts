import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const APT_TIMEOUT_MS = 10 * 60_000;

export interface DebianRequirement {
  /** Absolute path of the binary the tests run; its absence triggers the install. */
  binary: string;
  packages: string[];
}

/**
 * Installs missing Debian packages with apt-get and returns the packages it installed. Fails with a
 * message naming the binary and the command to run when that is impossible (not root, no apt-get),
 * so a suite never skips silently.
 */
export async function ensureDebianPackages(requirements: DebianRequirement[]): Promise<string[]> {
  const missing = requirements.filter((requirement) => !existsSync(requirement.binary));
  if (missing.length === 0) return [];
  const packages = [...new Set(missing.flatMap((requirement) => requirement.packages))];
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const what = missing.map((requirement) => requirement.binary).join(', ');
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${what} missing and cannot be installed here (needs root and apt-get): run \`${command}\``);
  }
  // Concurrent suites (or an unattended upgrade) may hold the dpkg lock: wait for it instead of failing.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', [...lockWait, 'update'], { env, timeout: APT_TIMEOUT_MS });
    await run('apt-get', [...lockWait, 'install', '-y', '--no-install-recommends', ...packages], { env, timeout: APT_TIMEOUT_MS });
  } catch (error) {
    const { stderr = '' } = error as { stderr?: string };
    throw new Error(`\`${command}\` failed while installing ${what}:\n${stderr.slice(-4000)}`, { cause: error });
  }
  const stillMissing = missing.filter((requirement) => !existsSync(requirement.binary));
  if (stillMissing.length > 0) {
    throw new Error(`${stillMissing.map((requirement) => requirement.binary).join(', ')} still missing after \`${command}\``);
  }
  return packages;
}

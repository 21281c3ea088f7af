/**
 * The supply-chain report: a lockfile carrying a git, URL or path dependency, a package without an
 * integrity hash or an install script nobody reviewed fails the offline lockfile check; an advisory
 * service that cannot be reached leaves the run green but says where it looked and that nothing
 * was checked.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NODE = join(process.cwd(), 'node_modules/.bin/node');
const CHECK = join(process.cwd(), 'scripts/check-lockfile.ts');

type Lock = { packages: Record<string, Record<string, unknown>> };

async function checkLockfile(edit: (lock: Lock, manifest: Record<string, unknown>) => void): Promise<{ code: number; out: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'lockfile-'));
  try {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lock;
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>;
    edit(lock, manifest);
    writeFileSync(join(folder, 'package-lock.json'), JSON.stringify(lock));
    writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest));
    try {
      const { stdout } = await run(NODE, [CHECK, folder]);
      return { code: 0, out: stdout };
    } catch (error) {
      const failure = error as { code: number; stdout: string };
      return { code: failure.code, out: failure.stdout };
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const SHA = 'sha512-' + 'A'.repeat(86) + '==';

describe('offline lockfile check', () => {
  test("the project's own lockfile passes", async () => {
    const result = await checkLockfile(() => {});
    expect(result.out).toMatch(/ 0 problems/);
    expect(result.code).toBe(0);
  });

  test.each<[string, (lock: Lock, manifest: Record<string, unknown>) => void, RegExp]>([
    ['a git dependency', (lock) => {
      lock.packages['node_modules/evil'] = { version: '1.0.0', resolved: 'git+ssh://git@github.com/evil/evil.git#0123456789abcdef0123456789abcdef01234567' };
    }, /node_modules\/evil is resolved from git\+ssh/],
    ['a tarball URL, even with an integrity hash', (lock) => {
      lock.packages['node_modules/evil'] = { version: '1.0.0', resolved: 'https://evil.example/evil-1.0.0.tgz', integrity: SHA };
    }, /node_modules\/evil is resolved from https:\/\/evil\.example/],
    ['a GitHub shorthand in a dependency spec', (lock) => {
      lock.packages['node_modules/express'] = { ...lock.packages['node_modules/express'], dependencies: { evil: 'evil/evil#main' } };
    }, /express dependencies evil "evil\/evil#main" is not a registry version/],
    ['a file: link outside the workspaces', (lock) => {
      lock.packages['node_modules/evil'] = { resolved: '../evil', link: true };
    }, /node_modules\/evil links to "\.\.\/evil", which is not a workspace/],
    ['a registry package without an integrity hash', (lock) => {
      delete lock.packages['node_modules/express']!['integrity'];
    }, /node_modules\/express has no integrity hash/],
    ['an install script not in allowScripts', (lock) => {
      lock.packages['node_modules/express'] = { ...lock.packages['node_modules/express'], hasInstallScript: true };
    }, /node_modules\/express has an install script and is not in package.json allowScripts/],
    ['a nested package with an install script after its allowScripts entry is removed', (_lock, manifest) => {
      const allow = { ...(manifest['allowScripts'] as Record<string, boolean>) };
      delete allow['@swc/core'];
      manifest['allowScripts'] = allow;
    }, /node_modules\/@swc\/core has an install script/],
  ])('%s fails the check', async (_name, edit, problem) => {
    const result = await checkLockfile(edit);
    expect(result.out).toMatch(problem);
    expect(result.code).toBe(1);
  });
});

test('an advisory service that answers with an error: the run stays green, names the source tried and says no advisory was checked', async () => {
  // What the build machines' registry mirror does with the bulk-advisory POST.
  const mirror = createServer((_req, res) => res.writeHead(405, { 'content-type': 'application/json' }).end('{"error":"Method Not Allowed"}'));
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const registry = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;
  const sbom = mkdtempSync(join(tmpdir(), 'sbom-'));
  try {
    const { stdout } = await run('bash', ['scripts/supply-chain.sh'], {
      env: { ...process.env, npm_config_registry: registry, npm_config_fetch_retries: '0', SBOM_FILE: join(sbom, 'sbom.json') },
    });
    expect(stdout).toContain(`advisory source ${registry}-/npm/v1/security/advisories/bulk`);
    expect(stdout).toContain('NO ADVISORIES WERE CHECKED');
    expect(stdout).toMatch(/supply-chain: ok\s*$/);
  } finally {
    mirror.close();
    rmSync(sbom, { recursive: true, force: true });
  }
}, 60_000);

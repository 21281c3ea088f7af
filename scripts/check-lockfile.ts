/**
 * Offline lockfile check for scripts/supply-chain.sh: reads only package.json and package-lock.json
 * in the given folder (default: the current one), so it holds where no advisory service can be
 * reached. Fails (exit 1) on
 *   - a git, URL, file or other non-registry dependency (a `resolved` off the registry, a link
 *     outside the workspaces, a dependency spec naming a git host, a URL or a path);
 *   - a registry package without an integrity hash;
 *   - a package with an install script that package.json `allowScripts` does not name (`true`: its
 *     script runs; `false`: reviewed and known not to be needed).
 *
 * Usage: node scripts/check-lockfile.ts [folder]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly hasInstallScript?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

const REGISTRY = /^https:\/\/registry\.npmjs\.org\//;
const INTEGRITY = /^sha(256|384|512)-/;
// npm's spec forms that fetch from somewhere other than the registry.
const NON_REGISTRY_SPEC = /^(git(\+[a-z]+)?:|github:|gitlab:|bitbucket:|gist:|https?:|file:|link:|[^@/\s]+\/[^/\s]+(#.*)?$|\.{0,2}\/)/i;

const folder = process.argv[2] ?? '.';
const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
  workspaces?: string[];
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(folder, 'package-lock.json'), 'utf8')) as { lockfileVersion?: number; packages?: Record<string, LockEntry> };
const workspaces = new Set(manifest.workspaces ?? []);
const allowScripts = manifest.allowScripts ?? {};
const problems: string[] = [];

if (lock.packages === undefined) problems.push('package-lock.json has no "packages" map (lockfileVersion 2 or later required)');
const entries = Object.entries(lock.packages ?? {});
const packageName = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

let registryPackages = 0;
for (const [path, entry] of entries) {
  for (const field of ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies'] as const) {
    for (const [name, spec] of Object.entries(entry[field] ?? {})) {
      if (NON_REGISTRY_SPEC.test(spec)) problems.push(`${path || '(root)'} ${field} ${name} ${JSON.stringify(spec)} is not a registry version`);
    }
  }
  if (!path.includes('node_modules/')) continue;
  if (entry.link === true) {
    if (!workspaces.has(entry.resolved ?? '')) problems.push(`${path} links to ${JSON.stringify(entry.resolved)}, which is not a workspace`);
    continue;
  }
  registryPackages += 1;
  if (entry.resolved !== undefined && !REGISTRY.test(entry.resolved)) problems.push(`${path} is resolved from ${entry.resolved}, not the registry`);
  if (!INTEGRITY.test(entry.integrity ?? '')) problems.push(`${path} has no integrity hash`);
  if (entry.hasInstallScript === true && !(packageName(path) in allowScripts)) {
    problems.push(`${path} has an install script and is not in package.json allowScripts`);
  }
}

console.log(`lockfileVersion ${lock.lockfileVersion}: ${registryPackages} registry packages, ${Object.keys(allowScripts).length} in allowScripts, ${problems.length} problems`);
for (const problem of problems) console.log(`FAIL: ${problem}`);
process.exitCode = problems.length > 0 ? 1 : 0;

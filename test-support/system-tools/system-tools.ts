/**
 * System programs some tests need (promtool, Prometheus, Go for the chart renderer, coturn,
 * Chromium, script): found on PATH, installed with apt-get where this process may (root on
 * Debian, as in CI), and otherwise a failure of one line naming the program and the command that
 * installs it, so a contributor's laptop learns what to do instead of reading a stack of errors.
 */
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

export interface SystemTool {
  /** How a person knows it. */
  name: string;
  /** The executable, looked up on PATH. */
  command: string;
  /** Tried after PATH: Debian's fixed locations, a macOS application bundle. */
  paths?: string[];
  /** Environment variable that may name the executable instead. */
  override?: string;
  /** Debian packages that bring it (and what its tests need beside it). */
  debian: string[];
  /** The macOS install command. */
  macos: string;
}

export const PROMTOOL: SystemTool = { name: 'promtool', command: 'promtool', override: 'PROMTOOL', debian: ['prometheus'], macos: 'brew install prometheus' };
export const PROMETHEUS: SystemTool = { name: 'Prometheus', command: 'prometheus', override: 'PROMETHEUS', debian: ['prometheus'], macos: 'brew install prometheus' };
export const GO_FOR_HELM_RENDER: SystemTool = {
  name: 'Go with the sprig and sigs.k8s.io/yaml sources (the chart tests build test-support/helm-render from them)',
  command: 'go',
  debian: ['golang-go', 'golang-github-masterminds-sprig-dev', 'golang-k8s-sigs-yaml-dev'],
  // Homebrew's Go lacks the Debian source packages the offline GOPATH build reads.
  macos: 'none: brew install go is not enough; run the chart tests on Debian or Ubuntu, or leave them to CI',
};
export const COTURN: SystemTool = { name: 'coturn', command: 'turnserver', paths: ['/usr/bin/turnserver'], debian: ['coturn'], macos: 'brew install coturn' };
export const COTURN_UCLIENT: SystemTool = { ...COTURN, name: 'coturn (turnutils_uclient)', command: 'turnutils_uclient', paths: ['/usr/bin/turnutils_uclient'] };
export const CHROMIUM: SystemTool = {
  name: 'Chromium',
  command: 'chromium',
  paths: ['/usr/bin/chromium', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
  override: 'CHROMIUM',
  debian: ['chromium', 'fonts-dejavu-core'],
  macos: 'brew install --cask chromium',
};
export const SCRIPT: SystemTool = { name: 'script (gives a test process a terminal)', command: 'script', debian: ['bsdutils'], macos: 'part of the system, check PATH' };

/** Exit status by which the ensure-*.sh and build.sh scripts say "missing, and not installable here". */
export const MISSING_TOOL_STATUS = 3;

/** One line: which tools, and the commands that install them. */
export function missingToolMessage(tools: SystemTool[]): string {
  const apt = `sudo apt-get install -y ${[...new Set(tools.flatMap((tool) => tool.debian))].join(' ')}`;
  const macos = tools.map((tool) => (tool.macos.startsWith('brew ') ? `\`${tool.macos}\`` : tool.macos)).join(' and ');
  const overrides = tools.flatMap((tool) => (tool.override ? [`${tool.override}=/path/to/${tool.command}`] : []));
  return (
    `${tools.map((tool) => tool.name).join(', ')} not installed, and this process cannot install it (needs root and apt-get): ` +
    `run \`${apt}\` (Debian, Ubuntu); macOS: ${macos}${overrides.length > 0 ? `, or set ${overrides.join(', ')}` : ''}`
  );
}

export class MissingToolError extends Error {
  constructor(tools: SystemTool[]) {
    super(missingToolMessage(tools));
    this.name = 'MissingToolError';
  }
}

/** The tool's executable: the override variable, then PATH, then its known paths. */
export function locate(tool: SystemTool, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = tool.override === undefined ? undefined : env[tool.override];
  if (named && executable(named)) return named;
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, tool.command))
    .find(executable);
  return onPath ?? tool.paths?.find(executable);
}

/** Like locate, or the one-line failure. */
export function requireTool(tool: SystemTool): string {
  const found = locate(tool);
  if (found === undefined) throw new MissingToolError([tool]);
  return found;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Root with apt-get: CI and the project's own machines, where tests install what they need. */
export function canInstallDebianPackages(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

const run = promisify(execFile);
const APT_TIMEOUT_MS = 10 * 60_000;

/**
 * Installs the Debian packages of the tools that are missing and returns the packages installed;
 * where that is impossible, fails with one line (a suite never skips silently).
 */
export async function ensureTools(tools: SystemTool[]): Promise<string[]> {
  const missing = tools.filter((tool) => locate(tool) === undefined);
  if (missing.length === 0) return [];
  if (!canInstallDebianPackages()) throw new MissingToolError(missing);
  const packages = [...new Set(missing.flatMap((tool) => tool.debian))];
  // Concurrent suites (or an unattended upgrade) may hold the dpkg lock: wait for it instead of failing.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', [...lockWait, 'update'], { env, timeout: APT_TIMEOUT_MS });
    await run('apt-get', [...lockWait, 'install', '-y', '--no-install-recommends', ...packages], { env, timeout: APT_TIMEOUT_MS });
  } catch (error) {
    const { stderr = '' } = error as { stderr?: string };
    throw new Error(`apt-get install ${packages.join(' ')} failed:\n${stderr.slice(-4000)}`, { cause: error });
  }
  const stillMissing = missing.filter((tool) => locate(tool) === undefined);
  if (stillMissing.length > 0) throw new Error(`${stillMissing.map((tool) => tool.command).join(', ')} still missing after apt-get install ${packages.join(' ')}`);
  return packages;
}

/**
 * Runs one of the bash scripts that print a tool's path (locating, installing or building it);
 * their MISSING_TOOL_STATUS becomes the one-line MissingToolError. Their own progress goes to stderr.
 */
export function pathFromScript(script: string, args: string[], tools: SystemTool[], timeoutMs: number): string {
  const result = spawnSync('bash', [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: timeoutMs });
  if (result.status === MISSING_TOOL_STATUS) throw new MissingToolError(tools);
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed with exit code ${result.status}`);
  return result.stdout.trim();
}

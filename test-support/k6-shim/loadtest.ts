/**
 * `npm run loadtest -- <script> [--base URL]`: one iteration of each scenario of a k6 script
 * (`login-ice.ts`, or a path) through the k6 stand-in, against a running Signal (default the
 * `npm start` one on http://127.0.0.1:8080). Without JWTS, JWTS_FILE or JWT the tokens come from
 * the target's `/dev/token`, which a dev-mode Signal serves. Other settings are the script's own
 * variables, given as environment variables (`PAIRS_PER_ROOM=2 npm run loadtest -- ...`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const RUNNER = fileURLToPath(new URL('./run.ts', import.meta.url));
const LOADTEST_DIR = fileURLToPath(new URL('../../loadtest/', import.meta.url));
const USAGE = 'usage: npm run loadtest -- <login-ice.ts|handshake-longpoll.ts|handshake-polling.ts|staging-mix.ts|path> [--base http://127.0.0.1:8080]';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function options(): { script: string; base: string } {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { base: { type: 'string' } } });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined || extra.length > 0) fail(USAGE);
  // npm runs scripts from the repository root; a relative path means the caller's folder.
  const candidates = [resolve(process.env.INIT_CWD ?? process.cwd(), name), resolve(LOADTEST_DIR, name)];
  const script = candidates.find((path) => existsSync(path));
  if (script === undefined) fail(`no k6 script ${name} (looked at ${candidates.join(' and ')})\n${USAGE}`);
  return { script, base: (parsed.values.base ?? process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '') };
}

/** Enough dev tokens for every user the scripts play at once (two per pair). */
async function devTokens(base: string): Promise<string> {
  const users = 2 * Math.max(1, Math.floor(Number(process.env.PAIRS_PER_ROOM ?? 1)) || 1);
  const tokens: string[] = [];
  for (let i = 0; i < users; i += 1) {
    const url = `${base}/dev/token?name=loadtest-${i}`;
    const res = await fetch(url).catch((error: unknown) => fail(`${base} does not answer (${(error as Error).cause ?? (error as Error).message}): start Signal (npm start) or pass --base`));
    if (res.status !== 200) fail(`no JWTS, JWTS_FILE or JWT given, and ${url} answered ${res.status}: the target is not in dev mode, so give tokens it accepts`);
    tokens.push(((await res.json()) as { token: string }).token);
  }
  return tokens.join(',');
}

const { script, base } = options();
const env: NodeJS.ProcessEnv = { ...process.env, BASE_URL: base };
if (!env.JWTS && !env.JWTS_FILE && !env.JWT) env.JWTS = await devTokens(base);
const child = spawn(process.execPath, [RUNNER, script], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));

/**
 * `npm run loadtest -- <script> [--base URL]` against the Signal a newcomer has running: dev mode,
 * tokens from its /dev/token. With plain-http cookies every check passes; with `npm start`'s
 * default Secure cookie the run fails and says why, naming the fix.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../bench/lib/repo.ts';
import { startChildService, type ChildService } from '../../test-support/signal/child-service.ts';
import { SUMMARY_PREFIX, type ShimSummary } from '../../test-support/k6-shim/summary.ts';

const run = promisify(execFile);

async function loadtest(args: string[]): Promise<{ code: number; summary: ShimSummary | undefined; stderr: string }> {
  const result = await run(process.execPath, ['test-support/k6-shim/loadtest.ts', ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 }).then(
    (ok) => ({ ...ok, code: 0 }),
    (failed: { stdout: string; stderr: string; code: number }) => failed,
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith(SUMMARY_PREFIX));
  return { code: result.code, summary: line ? (JSON.parse(line.slice(SUMMARY_PREFIX.length)) as ShimSummary) : undefined, stderr: result.stderr };
}

/** Dev mode, as `npm start` runs without AUTH_JWT_*. */
const devMode = (cookieSecure: string) => startChildService('all-in-one', { AUTH_JWT_SECRET: undefined, SESSION_COOKIE_SECURE: cookieSecure });

let server: ChildService | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('plain-http cookies: a script passes with tokens from /dev/token', async () => {
  server = await devMode('false');
  const { code, summary, stderr } = await loadtest(['login-ice.ts', '--base', server.url]);
  expect(summary?.checks.filter((c) => c.fails > 0)).toEqual([]);
  expect(summary?.notes).toEqual([]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
}, 60_000);

test('npm start’s Secure cookie over http: the run fails, saying why and what to set', async () => {
  server = await devMode('true');
  const { code, summary, stderr } = await loadtest([`${REPO_ROOT}loadtest/login-ice.ts`, '--base', server.url]);
  expect(code).not.toBe(0);
  expect(summary?.notes).toEqual([expect.stringContaining('cookie sess38b9de00 is Secure but http://127.0.0.1:')]);
  expect(stderr).toContain('SESSION_COOKIE_SECURE=false');
  expect(stderr).toContain('last: status 401: Not logged in');
}, 60_000);

test('a target that is not in dev mode and no tokens: one line saying so', async () => {
  server = await startChildService('all-in-one');
  const { code, stderr } = await loadtest(['login-ice.ts', '--base', server.url]);
  expect(code).toBe(2);
  expect(stderr.trim()).toBe(`no JWTS, JWTS_FILE or JWT given, and ${server.url}/dev/token?name=loadtest-0 answered 404: the target is not in dev mode, so give tokens it accepts`);
}, 60_000);

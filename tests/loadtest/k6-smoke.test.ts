// Every k6 script runs one iteration of each of its scenarios against a real local Signal through
// the k6 shim, so a script broken by an API change, a typo in a threshold or a bad scenario fails CI.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, type ServerProcess } from '../../bench/lib/server-process.ts';
import { REPO_ROOT } from '../../bench/lib/repo.ts';
import { mintJwt, newJwtSecret, signalSpec } from '../../bench/systems.ts';
import { SUMMARY_PREFIX, type ShimSummary } from '../../test-support/k6-shim/summary.ts';

const run = promisify(execFile);
const SCRIPTS = ['login-ice.ts', 'handshake-longpoll.ts', 'handshake-polling.ts', 'staging-mix.ts'];
const PAIRS_PER_ROOM = 2;

let server: ServerProcess | undefined;
let env: Record<string, string> = {};

beforeAll(async () => {
  const secret = newJwtSecret();
  server = await startServer(signalSpec(secret));
  env = {
    BASE_URL: server.origin,
    JWTS: Array.from({ length: 2 * PAIRS_PER_ROOM }, (_, i) => mintJwt(secret, `k6-user-${i}`)).join(','),
    PAIRS_PER_ROOM: String(PAIRS_PER_ROOM),
    LONGPOLL_WAIT_SECONDS: '5',
    POLL_INTERVAL_SECONDS: '0.2',
    HANDSHAKE_TIMEOUT_SECONDS: '10',
  };
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

async function runThroughShim(script: string): Promise<{ code: number; summary: ShimSummary; stderr: string }> {
  const result = await run(process.execPath, ['test-support/k6-shim/run.ts', `loadtest/${script}`], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  }).then(
    (ok) => ({ ...ok, code: 0 }),
    (failed: { stdout: string; stderr: string; code: number }) => failed,
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith(SUMMARY_PREFIX));
  if (line === undefined) throw new Error(`no shim summary; stderr:\n${result.stderr}`);
  return { code: result.code, summary: JSON.parse(line.slice(SUMMARY_PREFIX.length)) as ShimSummary, stderr: result.stderr };
}

test('the scripts typecheck against k6 types alone: no Node-only API can slip in', async () => {
  const result = await run(`${REPO_ROOT}node_modules/.bin/tsc`, ['-p', 'loadtest/tsconfig.json'], { cwd: REPO_ROOT }).then(
    () => '',
    (failed: { stdout: string }) => failed.stdout,
  );
  expect(result).toBe('');
}, 60_000);

test.each(SCRIPTS)('%s: every scenario iterates once with all checks and thresholds passing', async (script) => {
  const { code, summary, stderr } = await runThroughShim(script);
  expect({ problems: summary.problems, errors: summary.errors }).toEqual({ problems: [], errors: [] });
  expect(summary.scenarios.length).toBeGreaterThan(0);
  expect(summary.scenarios.filter((s) => !s.ok)).toEqual([]);
  expect(summary.checks.length).toBeGreaterThan(0);
  expect(summary.checks.filter((c) => c.fails > 0)).toEqual([]);
  expect(summary.thresholds.length).toBeGreaterThan(0);
  expect(summary.thresholds.filter((t) => !t.ok)).toEqual([]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
}, 60_000);

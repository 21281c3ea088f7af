// The shim must fail a broken script and pass a sound one, or the k6 smoke test proves nothing.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SUMMARY_PREFIX, type ShimSummary } from '../summary.ts';

const RUNNER = fileURLToPath(new URL('../run.ts', import.meta.url));
const run = promisify(execFile);

let server: Server;
let origin = '';
let dir = '';
let parked: ServerResponse | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k6-shim-'));
  // /login sets a cookie, /whoami echoes it, /logout expires it; /park holds until /release.
  server = createServer((req, res) => {
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => res.writeHead(status, headers).end(body);
    if (req.url === '/login') return reply(200, '{"session":{"uuid":"u-1"}}', { 'set-cookie': 'sess00000000=abc; Path=/; HttpOnly; Max-Age=60' });
    if (req.url === '/logout') return reply(200, '', { 'set-cookie': 'sess00000000=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT' });
    if (req.url === '/whoami') return reply(200, req.headers.cookie ?? '');
    if (req.url === '/secure-login') return reply(200, '{}', { 'set-cookie': 'sess00000000=abc; Path=/; HttpOnly; Secure' });
    if (req.url === '/refuse') return reply(401, '{"body":"Not logged in"}', { 'content-type': 'application/json' });
    if (req.url === '/park') {
      parked = res;
      return undefined;
    }
    if (req.url === '/release') {
      // The parked request is sent first but may reach the server second.
      const deadline = Date.now() + 5000;
      const release = (): void => {
        if (parked === undefined && Date.now() < deadline) return void setTimeout(release, 5);
        parked?.writeHead(200).end('released');
        reply(parked ? 200 : 409, '');
        parked = undefined;
      };
      return release();
    }
    return reply(404, '');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  origin = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function shim(name: string, source: string): Promise<{ code: number; summary: ShimSummary | undefined; stderr: string }> {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, source);
  const result = await run(process.execPath, [RUNNER, file], { env: { PATH: process.env.PATH ?? '', BASE: origin }, timeout: 30_000 }).then(
    (ok) => ({ ...ok, code: 0 }),
    (failed: { stdout: string; stderr: string; code: number }) => failed,
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith(SUMMARY_PREFIX));
  return { code: result.code, summary: line ? (JSON.parse(line.slice(SUMMARY_PREFIX.length)) as ShimSummary) : undefined, stderr: result.stderr };
}

const SOUND = `
import { check } from 'k6';
import http from 'k6/http';
import { Trend } from 'k6/metrics';
const waited = new Trend('parked_wait', true);
export const options = {
  scenarios: { one: { executor: 'ramping-arrival-rate', exec: 'journey', stages: [{ duration: '1m', target: 2 }], preAllocatedVUs: 2, timeUnit: '1s' } },
  thresholds: { 'http_req_failed{name:whoami}': ['rate<0.01'], 'parked_wait': ['p(95)<5000'], checks: ['rate==1'] },
};
export async function journey() {
  const jar = new http.CookieJar();
  http.get(__ENV.BASE + '/login', { jar });
  check(http.get(__ENV.BASE + '/whoami', { jar, tags: { name: 'whoami' } }), { 'cookie sent back': (r) => r.body === 'sess00000000=abc' });
  // A pending async request must not block the synchronous one that releases it.
  const started = Date.now();
  const parked = http.asyncRequest('GET', __ENV.BASE + '/park');
  check(http.get(__ENV.BASE + '/release'), { 'released': (r) => r.status === 200 });
  check(await parked, { 'parked answered': (r) => r.body === 'released' });
  waited.add(Date.now() - started);
  http.get(__ENV.BASE + '/logout', { jar });
  check(http.get(__ENV.BASE + '/whoami', { jar, tags: { name: 'whoami' } }), { 'cookie gone after logout': (r) => r.body === '' });
}
`;

test('a sound script passes: cookies, sync and async requests, custom metrics, thresholds', async () => {
  const { code, summary, stderr } = await shim('sound', SOUND);
  expect(summary?.checks.map((c) => [c.name, c.fails])).toEqual([
    ['cookie sent back', 0],
    ['released', 0],
    ['parked answered', 0],
    ['cookie gone after logout', 0],
  ]);
  expect(summary?.thresholds.every((t) => t.ok)).toBe(true);
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
});

test.each([
  ['a misspelt metric in a threshold', SOUND.replace("'parked_wait': [", "'parked_wiat': ["), 'no metric named parked_wiat'],
  ['a tag filter no sample matches', SOUND.replace('{name:whoami}', '{name:who_am_i}'), 'no sample matches'],
  ['an aggregation the metric type lacks', SOUND.replace("checks: ['rate==1']", "checks: ['p(95)<1']"), 'does not apply to checks'],
  ['an exec function that is not exported', SOUND.replace("exec: 'journey'", "exec: 'jorney'"), 'exec jorney is not an exported function'],
  ['a missing required executor field', SOUND.replace(', preAllocatedVUs: 2', ''), 'needs preAllocatedVUs'],
  ['a failing check', SOUND.replace("r.body === 'released'", "r.body === 'nope'"), 'FAIL check parked answered'],
  ['an HTTP request in the init context', `import http from 'k6/http';\nhttp.get(__ENV.BASE + '/login');\nexport default function () {}`, 'init context'],
  ['a k6 module the shim lacks', `import ws from 'k6/ws';\nexport default function () { ws; }`, 'does not implement k6/ws'],
])('a script with %s fails', async (_what, source, message) => {
  const { code, summary, stderr } = await shim('broken', source);
  expect(code).not.toBe(0);
  expect(JSON.stringify(summary ?? {}) + stderr).toContain(message);
});

const STOPS_AT_A_REFUSAL = `
import { check, fail } from 'k6';
import http from 'k6/http';
export const options = {
  thresholds: { 'http_req_duration{name:later}': ['p(95)<500'], 'http_req_failed{name:later}': ['rate<0.01'], 'http_req_failed{name:refused}': ['rate<0.01'] },
};
export default function () {
  const jar = new http.CookieJar();
  http.get(__ENV.BASE + '/secure-login', { jar });
  const res = http.get(__ENV.BASE + '/refuse', { jar, tags: { name: 'refused' } });
  if (!check(res, { 'ice_servers: 200': (r) => r.status === 200 })) fail('not logged in');
  http.get(__ENV.BASE + '/whoami', { jar, tags: { name: 'later' } });
}
`;

test('a failed check says why: the status and the body reason; thresholds left without samples are one line', async () => {
  const { code, summary, stderr } = await shim('refused', STOPS_AT_A_REFUSAL);
  expect(code).not.toBe(0);
  expect(stderr).toContain('FAIL check ice_servers: 200 (0 passed, 1 failed; last: status 401: Not logged in)');
  expect(summary?.checks).toEqual([{ name: 'ice_servers: 200', passes: 0, fails: 1, failure: 'status 401: Not logged in' }]);
  expect(stderr).toContain('FAIL threshold http_req_failed{name:refused} rate<0.01 = 1.00');
  expect(stderr).toContain('FAIL 2 thresholds not judged: no samples, as the iterations stopped at the failures above');
  expect(stderr).not.toContain('NaN');
});

test('a Secure cookie set over plain http is not sent back, and the run says why', async () => {
  const { summary, stderr } = await shim('refused', STOPS_AT_A_REFUSAL.replace("'/refuse'", "'/whoami'").replace('r.status === 200', "r.body === ''"));
  expect(summary?.checks).toEqual([{ name: 'ice_servers: 200', passes: 1, fails: 0 }]);
  expect(stderr).toContain(`note: cookie sess00000000 is Secure but ${origin} is plain http: k6 sends it back over https only`);
  expect(stderr).toContain('SESSION_COOKIE_SECURE=false');
});

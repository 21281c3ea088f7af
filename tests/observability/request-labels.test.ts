/**
 * The request histogram's labels say what happened, whoever answered: the route template even
 * when the session check, a rate limit, the body parser or a 405 answered before any route
 * handler; 499 for a client that left before its answer (an abandoned long-poll), not the 200
 * nobody received; `longpoll="true"` only for requests asked to wait.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, type TestSignal } from '../../test-support/signal/harness.ts';
import { waitUntil } from '../../test-support/coturn/managed-process.ts';

const SESSION_LIMIT = 3;
let signal: TestSignal;

beforeAll(async () => {
  signal = await startSignal({ env: { RATE_LIMIT_PER_SESSION_PER_MINUTE: String(SESSION_LIMIT), SDP_MAX_BYTES: '1024' } });
});
afterAll(async () => {
  await signal.shutdown();
});

/** Label sets of every request-count series in a scrape. */
async function requestSeries(): Promise<Record<string, string>[]> {
  const text = await (await fetch(`${signal.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('signal_http_request_duration_seconds_count{'))
    .map((line) => Object.fromEntries([...line.matchAll(/([a-z_]+)="([^"]*)"/g)].map(([, name, value]) => [name!, value!])));
}

async function expectSeries(labels: Record<string, string>): Promise<void> {
  const matches = (series: Record<string, string>) => Object.entries(labels).every(([name, value]) => series[name] === value);
  await waitUntil(async () => (await requestSeries()).some(matches), {
    timeoutMs: 5000,
    describe: () => `no request series with ${JSON.stringify(labels)}`,
  });
}

test('a request the session check refuses is labelled with its route', async () => {
  expect((await get(signal.url, `/offer?${sdpQuery('00000000-0000-4000-8000-000000000001')}`)).status).toBe(401);
  await expectSeries({ method: 'GET', route: '/offer', status: '401', service: 'signaling', longpoll: 'false' });
});

test('bodies the parser refuses are labelled with their route', async () => {
  const user = await login(signal.url);
  expect((await post(signal.url, '/offer', user.cookie, '{"to":')).status).toBe(400);
  await expectSeries({ method: 'POST', route: '/offer', status: '400' });
  const huge = { to: '00000000-0000-4000-8000-000000000001', sdp: sdpText('x'.repeat(200_000)), room: ROOM };
  expect((await post(signal.url, '/answer', user.cookie, huge)).status).toBe(413);
  await expectSeries({ method: 'POST', route: '/answer', status: '413' });
});

test('a rate-limited request is labelled with its route', async () => {
  const user = await login(signal.url);
  const statuses: number[] = [];
  for (let request = 0; request <= SESSION_LIMIT; request += 1) statuses.push((await get(signal.url, '/ice_servers', user.cookie)).status);
  expect(statuses).toContain(429);
  await expectSeries({ method: 'GET', route: '/ice_servers', status: '429', service: 'ice' });
});

test('a method the route does not take is labelled with the route; a path Signal does not serve is unmatched', async () => {
  const user = await login(signal.url);
  expect((await fetch(`${signal.url}/offer`, { method: 'DELETE', headers: { cookie: user.cookie } })).status).toBe(405);
  await expectSeries({ method: 'DELETE', route: '/offer', status: '405' });
  expect((await get(signal.url, '/no-such-path')).status).toBe(404);
  await expectSeries({ method: 'GET', route: 'unmatched', status: '404' });
});

test('an abandoned long-poll is 499 and a long-poll; a plain read is neither', async () => {
  const user = await login(signal.url);
  const peer = '00000000-0000-4000-8000-000000000002';
  expect((await get(signal.url, `/answer?${sdpQuery(peer)}`, user.cookie)).status).toBe(204);
  await expectSeries({ method: 'GET', route: '/answer', status: '204', longpoll: 'false' });
  const gone = new AbortController();
  const poll = get(signal.url, `/answer?${sdpQuery(peer, { wait: '20' })}`, user.cookie, gone.signal).catch(() => 'aborted');
  await waitUntil(async () => (await (await fetch(`${signal.url}/metrics`)).text()).includes('signal_longpoll_waiters{service="signaling"} 1'), {
    timeoutMs: 5000,
    describe: () => 'the long-poll never parked',
  });
  gone.abort();
  expect(await poll).toBe('aborted');
  await expectSeries({ method: 'GET', route: '/answer', status: '499', longpoll: 'true' });
  expect((await requestSeries()).filter((series) => series.route === '/answer' && series.method === 'GET' && series.status === '200')).toEqual([]);
});

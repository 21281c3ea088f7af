/**
 * Limits that keep one client from exhausting Signal: request rates per IP and per session, sizes
 * of headers, bodies and SDPs, concurrent long-polls per replica; plus the browser-facing
 * defences (helmet headers, the CORS allow-list).
 */
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { get, login, post, ROOM, sdpQuery, tokenFor, type TestSignal } from '../../test-support/signal/harness.ts';
import { assertClientSafe } from './support/envelope.ts';
import { withSignal } from './support/with-signal.ts';
import { rawRequest } from './support/raw-http.ts';

/** The value of the sample of `name` whose labels include `labels`, in a real scrape; 0 when absent. */
async function scraped(signal: TestSignal, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${signal.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.includes(pair)));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

async function expectTooMany(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect(await res.json()).toEqual({ body: 'Too many requests' });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
}

describe('per-IP rate limit (RATE_LIMIT_PER_IP_PER_MINUTE)', () => {
  test('the request past the limit is 429 with Retry-After and counted; health, readiness and metrics stay open', async () => {
    await withSignal({ RATE_LIMIT_PER_IP_PER_MINUTE: '5' }, async (signal) => {
      for (const path of ['/openapi.json', '/login', '/ice_servers', '/offer', '/nowhere']) {
        const res = await get(signal.url, path);
        expect(res.status).not.toBe(429);
        expect(res.headers.get('ratelimit')).toMatch(/^"ip"; r=\d+; t=\d+$/);
      }
      await expectTooMany(await get(signal.url, '/openapi.json'));
      await expectTooMany(await post(signal.url, '/offer', undefined, {}));
      for (const path of ['/healthz', '/readyz', '/metrics']) expect((await get(signal.url, path)).status).toBe(200);
      expect(await scraped(signal, 'signal_rate_limited_total', { scope: 'ip' })).toBe(2);
    });
  });

  test('X-Forwarded-For is ignored without TRUST_PROXY: rotating it does not escape the limit', async () => {
    await withSignal({ RATE_LIMIT_PER_IP_PER_MINUTE: '3' }, async (signal) => {
      const from = (ip: string) => fetch(`${signal.url}/openapi.json`, { headers: { 'x-forwarded-for': ip } });
      for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) expect((await from(ip)).status).toBe(200);
      await expectTooMany(await from('203.0.113.4'));
    });
  });

  test('with TRUST_PROXY=1 the client is the address the proxy appended, whatever the client put before it', async () => {
    await withSignal({ RATE_LIMIT_PER_IP_PER_MINUTE: '3', TRUST_PROXY: '1' }, async (signal) => {
      const from = (xff: string) => fetch(`${signal.url}/openapi.json`, { headers: { 'x-forwarded-for': xff } });
      for (const spoof of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) expect((await from(`${spoof}, 203.0.113.7`)).status).toBe(200);
      await expectTooMany(await from('4.4.4.4, 203.0.113.7'));
      expect((await from('203.0.113.8')).status).toBe(200);
    });
  });
});

describe('per-session rate limit (RATE_LIMIT_PER_SESSION_PER_MINUTE)', () => {
  test("one session's excess is 429 while another session from the same IP, and cookie-less requests, go on", async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
    await withSignal(
      { RATE_LIMIT_PER_SESSION_PER_MINUTE: '4' },
      async (signal) => {
        const [alice, bob] = [await login(signal.url), await login(signal.url)];
        for (let i = 0; i < 4; i += 1) expect((await get(signal.url, '/ice_servers', alice.cookie)).status).toBe(200);
        await expectTooMany(await get(signal.url, `/offer?${sdpQuery(bob.uuid)}`, alice.cookie));
        expect((await get(signal.url, '/ice_servers', bob.cookie)).status).toBe(200);
        for (let i = 0; i < 6; i += 1) expect((await get(signal.url, '/openapi.json')).status).toBe(200);
        expect(await scraped(signal, 'signal_rate_limited_total', { scope: 'session' })).toBe(1);
        // The limiter keys on a digest of the cookie: the session id itself is in no log line.
        const sessionId = alice.cookie.split('=')[1] ?? '';
        expect(lines.length).toBeGreaterThan(10);
        expect(lines.filter((line) => line.includes(sessionId))).toEqual([]);
      },
      { logger },
    );
  });

  test('both limits at 0 (as load tests run): no limiting and no RateLimit headers', async () => {
    await withSignal({ RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_SESSION_PER_MINUTE: '0' }, async (signal) => {
      const user = await login(signal.url);
      const answers = await Promise.all(Array.from({ length: 100 }, () => get(signal.url, '/ice_servers', user.cookie)));
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
      expect(answers.some((res) => res.headers.has('ratelimit'))).toBe(false);
    });
  });
});

describe('size limits', () => {
  test('headers over 16 KiB are 431 in the envelope', async () => {
    await withSignal({}, async (signal) => {
      const res = await rawRequest(signal.port, { method: 'GET', target: '/healthz', headers: [['X-Filler', 'x'.repeat(17 * 1024)]] });
      expect(res.status).toBe(431);
      assertClientSafe(res, 'GET');
    });
  });

  test('an x-adapt-* header over 1 KiB is 400 and creates no session', async () => {
    await withSignal({}, async (signal) => {
      const res = await fetch(`${signal.url}/login`, { headers: { authorization: `Bearer ${tokenFor()}`, 'x-adapt-url': 'u'.repeat(2000) } });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ body: 'Invalid x-adapt-url header' });
      expect(res.headers.get('set-cookie')).toBeNull();
    });
  });

  test('bodies beyond SDP_MAX_BYTES + 4 KiB are 413; compressed bodies are 415 before any inflation; an SDP beyond SDP_MAX_BYTES is 413', async () => {
    await withSignal({ SDP_MAX_BYTES: '2048' }, async (signal) => {
      const user = await login(signal.url);
      const peer = await login(signal.url);
      const big = JSON.stringify({ to: peer.uuid, sdp: `v=0${' '.repeat(8000)}`, room: ROOM });
      const plain = await post(signal.url, '/offer', user.cookie, big);
      expect(plain.status).toBe(413);
      expect(await plain.json()).toEqual({ body: 'Request body too large' });
      // 4 MiB of JSON whitespace gzips to about 4 KiB: refused unread, whatever it would inflate to.
      const bomb = gzipSync(Buffer.concat([Buffer.from('{"to":'), Buffer.alloc(4 << 20, ' '), Buffer.from('1}')]));
      expect(bomb.length).toBeLessThan(8192);
      const inflated = await fetch(`${signal.url}/offer`, { method: 'POST', headers: { cookie: user.cookie, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
      expect(inflated.status).toBe(415);
      expect(await inflated.json()).toEqual({ body: 'Unsupported Content-Encoding' });
      const sdp = await post(signal.url, '/offer', user.cookie, { to: peer.uuid, sdp: `v=0${'a'.repeat(2046)}`, room: ROOM });
      expect(sdp.status).toBe(413);
      expect(await sdp.json()).toEqual({ body: 'SDP larger than 2048 bytes' });
      expect((await get(signal.url, `/offer?${sdpQuery(user.uuid)}`, peer.cookie)).status).toBe(204);
    });
  });
});

describe('long-poll cap per replica (LONGPOLL_MAX_PER_REPLICA)', () => {
  test('past the cap a long-poll is 503 with Retry-After; a freed place is taken again', async () => {
    await withSignal({ LONGPOLL_MAX_PER_REPLICA: '3' }, async (signal) => {
      const users = [await login(signal.url), await login(signal.url), await login(signal.url), await login(signal.url)];
      const leave = new AbortController();
      const waitFor = (user: (typeof users)[number], signalOpt?: AbortSignal) => get(signal.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '20' })}`, user.cookie, signalOpt);
      const held = users.slice(0, 3).map((user) => waitFor(user, leave.signal).catch(() => 'left'));
      const waiting = () => signal.platform.metrics.longPollWaiters.get().then((m) => m.values[0]?.value ?? 0);
      const deadline = Date.now() + 5000;
      while ((await waiting()) < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));

      const refused = await waitFor(users[3]!);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toEqual({ body: 'Too many waiting requests on this server; retry' });
      // Polling without wait is not a long-poll and is never refused by the cap.
      expect((await get(signal.url, `/offer?${sdpQuery(users[0]!.uuid)}`, users[3]!.cookie)).status).toBe(204);

      leave.abort();
      expect(await Promise.all(held)).toEqual(['left', 'left', 'left']);
      while ((await waiting()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      const again = await get(signal.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '1' })}`, users[3]!.cookie);
      expect(again.status).toBe(204);
    });
  });
});

describe('browser-facing defences', () => {
  const HELMET = {
    'content-security-policy': "default-src 'none';frame-ancestors 'none'",
    'strict-transport-security': expect.stringMatching(/max-age=\d+/),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };

  test('helmet headers on successes, errors and 429s alike; no X-Powered-By', async () => {
    await withSignal({ RATE_LIMIT_PER_IP_PER_MINUTE: '2' }, async (signal) => {
      const answers = [await get(signal.url, '/openapi.json'), await get(signal.url, '/ice_servers'), await get(signal.url, '/ice_servers')];
      expect(answers.map((res) => res.status)).toEqual([200, 401, 429]);
      for (const res of answers) {
        expect(Object.fromEntries(res.headers)).toEqual(expect.objectContaining(HELMET));
        expect(res.headers.has('x-powered-by')).toBe(false);
      }
    });
  });

  describe('CORS allow-list (CORS_ORIGINS)', () => {
    const FRONT_END = 'https://app.smeconnect.example.test';
    const preflight = (signal: TestSignal, origin: string) =>
      fetch(`${signal.url}/offer`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

    test('the listed origin gets Allow-Origin (itself) and Allow-Credentials, on preflight and on the request', async () => {
      await withSignal({ CORS_ORIGINS: `${FRONT_END},https://other.example.test` }, async (signal) => {
        const pre = await preflight(signal, FRONT_END);
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe(FRONT_END);
        expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
        expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
        const user = await login(signal.url);
        const res = await fetch(`${signal.url}/ice_servers`, { headers: { origin: FRONT_END, cookie: user.cookie } });
        expect(res.status).toBe(200);
        expect(res.headers.get('access-control-allow-origin')).toBe(FRONT_END);
        expect(res.headers.get('access-control-allow-credentials')).toBe('true');
        expect(res.headers.get('vary')).toContain('Origin');
      });
    });

    test.each([['another origin', 'https://evil.example.test'], ['a look-alike', `${FRONT_END}.evil.example.test`], ['the null origin', 'null']])(
      '%s gets no CORS header at all',
      async (_case, origin) => {
        await withSignal({ CORS_ORIGINS: FRONT_END }, async (signal) => {
          const user = await login(signal.url);
          for (const res of [await preflight(signal, origin), await fetch(`${signal.url}/ice_servers`, { headers: { origin, cookie: user.cookie } })]) {
            expect([...res.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
            expect(res.headers.get('vary')).toContain('Origin');
          }
        });
      },
    );

    test('without CORS_ORIGINS no origin gets CORS headers', async () => {
      await withSignal({}, async (signal) => {
        const pre = await preflight(signal, FRONT_END);
        expect([...pre.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      });
    });
  });
});

/**
 * Round two of the red team, HTTP layer: connections that never send a request, connection
 * floods, bodies parsed where no route takes one, compressed bodies, what the rate limiter
 * exempts, 405 and OPTIONS answers, and a session cookie buried in a huge Cookie header
 * (duplicated ones: session-cookies.test.ts). Every request goes over a real socket to a real server.
 */
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { get, login } from '../../test-support/signal/harness.ts';
import { assertClientSafe } from './support/envelope.ts';
import { withSignal } from './support/with-signal.ts';
import { rawRequest } from './support/raw-http.ts';

async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  // Read whatever the server sends (a 408 before it closes), or the stream never ends.
  socket.resume();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('close', () => reject(new Error('closed before connecting')));
  });
  return socket;
}

/** Milliseconds until the server closes the socket; rejects after `withinMs`. */
function closedWithin(socket: Socket, withinMs: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${withinMs} ms`)), withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}

describe('connections (HTTP_IDLE_TIMEOUT_SECONDS, HTTP_MAX_CONNECTIONS)', () => {
  test('a connection that never sends a byte, or stalls inside its request head, is closed after the idle timeout', async () => {
    await withSignal({ HTTP_IDLE_TIMEOUT_SECONDS: '1' }, async (signal) => {
      const silent = await openSocket(signal.port);
      const stalled = await openSocket(signal.port);
      stalled.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const [silentMs, stalledMs] = await Promise.all([closedWithin(silent, 5000), closedWithin(stalled, 5000)]);
      expect(silentMs).toBeGreaterThanOrEqual(900);
      expect(stalledMs).toBeGreaterThanOrEqual(900);
      expect((await get(signal.url, '/healthz')).status).toBe(200);
    });
  });

  test('connections beyond HTTP_MAX_CONNECTIONS are closed at once; closing some lets new ones in', async () => {
    await withSignal({ HTTP_MAX_CONNECTIONS: '4' }, async (signal) => {
      const held = await Promise.all(Array.from({ length: 4 }, () => openSocket(signal.port)));
      // Give the server's accept loop time to register all four.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const extra = await openSocket(signal.port).catch(() => undefined);
      if (extra !== undefined) await closedWithin(extra, 2000);
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await get(signal.url, '/healthz')).status).toBe(200);
    });
  });
});

describe('bodies are parsed only where a route takes one', () => {
  test('a JSON body posted to a path that takes none is never parsed: 405 with Allow, not a parse error', async () => {
    await withSignal({}, async (signal) => {
      for (const path of ['/healthz', '/readyz', '/metrics', '/login', '/ice_servers']) {
        const res = await fetch(`${signal.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"not": json' });
        expect({ path, status: res.status, body: await res.json() }).toEqual({ path, status: 405, body: { body: 'Method not allowed' } });
        expect(res.headers.get('allow')).toBe('GET, HEAD');
      }
    });
  });

  test('Content-Encoding other than identity is 415 in the envelope, on every path, and nothing is inflated', async () => {
    await withSignal({}, async (signal) => {
      const user = await login(signal.url);
      // The red team's 225-byte body that inflates to 69 KB.
      const bomb = gzipSync(Buffer.from(`{"a":"${'x'.repeat(69_000)}"}`));
      expect(bomb.length).toBeLessThan(400);
      for (const [method, path] of [['POST', '/healthz'], ['POST', '/offer'], ['POST', '/expire'], ['GET', '/ice_servers']] as const) {
        for (const encoding of ['gzip', 'deflate', 'br', 'bogus']) {
          const res = await rawRequest(signal.port, {
            method,
            target: path,
            headers: [['Cookie', user.cookie], ['Content-Type', 'application/json'], ['Content-Encoding', encoding]],
            body: bomb,
          });
          assertClientSafe(res, method);
          expect({ method, path, encoding, status: res.status, body: JSON.parse(res.body.toString()) }).toEqual({ method, path, encoding, status: 415, body: { body: 'Unsupported Content-Encoding' } });
        }
      }
      const identity = await rawRequest(signal.port, { method: 'POST', target: '/expire', headers: [['Cookie', user.cookie], ['Content-Type', 'application/json'], ['Content-Encoding', 'identity']], body: Buffer.from('{}') });
      expect(identity.status).toBe(400);
    });
  });
});

describe('rate limiter exemptions (RATE_LIMIT_PER_IP_PER_MINUTE)', () => {
  test('only GETs of /healthz, /readyz and /metrics are exempt: other methods on them count', async () => {
    await withSignal({ RATE_LIMIT_PER_IP_PER_MINUTE: '3' }, async (signal) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await fetch(`${signal.url}/healthz`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status);
      expect(statuses).toEqual([405, 405, 405, 429, 429]);
      for (const path of ['/healthz', '/readyz', '/metrics']) expect((await get(signal.url, path)).status).toBe(200);
    });
  });

  test('CORS preflights count against the per-IP limit', async () => {
    const origin = 'https://app.smeconnect.example.test';
    await withSignal({ RATE_LIMIT_PER_IP_PER_MINUTE: '3', CORS_ORIGINS: origin }, async (signal) => {
      const preflight = () => fetch(`${signal.url}/offer`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await preflight());
      expect(answers.map((res) => res.status)).toEqual([204, 204, 204, 429]);
      expect(answers[0]?.headers.get('access-control-allow-origin')).toBe(origin);
      expect(await answers[3]?.json()).toEqual({ body: 'Too many requests' });
      expect(answers[3]?.headers.get('access-control-allow-origin')).toBe(origin);
    });
  });
});

describe('405 and OPTIONS', () => {
  test('405 answers carry Allow (RFC 9110)', async () => {
    await withSignal({}, async (signal) => {
      const user = await login(signal.url);
      const cases: [string, string, string][] = [
        ['PUT', '/offer', 'GET, HEAD, POST'],
        ['DELETE', '/expire', 'POST'],
        ['POST', '/logout', 'GET, HEAD'],
        ['PATCH', '/openapi.json', 'GET, HEAD'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await fetch(`${signal.url}${path}`, { method, headers: { cookie: user.cookie } });
        expect({ method, path, status: res.status, allow: res.headers.get('allow'), body: await res.json() }).toEqual({ method, path, status: 405, allow, body: { body: 'Method not allowed' } });
      }
    });
  });

  test('OPTIONS on an API path is 204 with Allow, never plain text; on an unknown path a 404 in the envelope', async () => {
    await withSignal({}, async (signal) => {
      for (const [path, allow] of [['/offer', 'GET, HEAD, POST'], ['/expire', 'POST'], ['/login', 'GET, HEAD']]) {
        const res = await fetch(`${signal.url}${path}`, { method: 'OPTIONS' });
        expect({ path, status: res.status, allow: res.headers.get('allow'), body: await res.text() }).toEqual({ path, status: 204, allow, body: '' });
      }
      const unknown = await rawRequest(signal.port, { method: 'OPTIONS', target: '/nowhere' });
      assertClientSafe(unknown, 'OPTIONS');
      expect(unknown.status).toBe(404);
    });
  });
});

describe('session cookie hygiene', () => {
  test('a Cookie header over 8 KiB holding a live session still works', async () => {
    await withSignal({}, async (signal) => {
      const user = await login(signal.url);
      const filler = Array.from({ length: 120 }, (_, i) => `tracker${i}=${'v'.repeat(80)}`).join('; ');
      for (const cookie of [`${filler}; ${user.cookie}`, `${user.cookie}; ${filler}`]) {
        expect(cookie.length).toBeGreaterThan(8192);
        expect((await get(signal.url, '/ice_servers', cookie)).status).toBe(200);
      }
    });
  });
});

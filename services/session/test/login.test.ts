import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ManualClock } from '@signal/common/clock';
import { sessionKey } from '@signal/common/auth/session-key';
import { get, JWT_SECRET, login, startSignal, TEST_AUDIENCE, TEST_ISSUER, tokenFor, type TestSignal } from '../../../test-support/signal/harness.ts';

let signal: TestSignal;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  signal = await startSignal({ role: 'session', clock });
});
afterAll(() => signal.shutdown());

const loginWith = (token: string | undefined, headers: Record<string, string> = {}) =>
  fetch(`${signal.url}/login`, { headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...headers } });

test('a valid JWT yields the seed login body and a session cookie', async () => {
  const uuid = randomUUID();
  const res = await loginWith(
    tokenFor({ sub: '1234567891000000000000', upn: 'testUser@turnaroundfactor.com', name: 'Test User', uuid }),
    { 'x-adapt-host': 'smeconnect.dev', 'x-adapt-handler': 'adapt-authn-serverless.additional-information.azure', 'x-adapt-url': '/x' },
  );
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({
    session: {
      auth_source: { name: 'smeconnect.dev', code: 'adapt-authn-serverless.additional-information.azure' },
      subject: '1234567891000000000000',
      uid: 'testUser@turnaroundfactor.com',
      name: 'Test User',
      uuid,
    },
  });
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^sess38b9de00=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12};/);
  expect(cookie).toContain('Max-Age=7200');
  expect(cookie).toContain('Path=/');
  expect(cookie).toContain('HttpOnly');
  expect(cookie).toContain('SameSite=Lax');
  expect(cookie).not.toContain('Secure');
});

test('the store keys a session by a hash of the cookie, never by the cookie itself', async () => {
  const user = await login(signal.url);
  const cookieValue = user.cookie.split('=')[1]!;
  expect(await signal.platform.stores.sessions.get(cookieValue)).toBeUndefined();
  const stored = await signal.platform.stores.sessions.get(sessionKey(cookieValue));
  expect(stored?.uuid).toBe(user.uuid);
  expect(JSON.stringify(stored)).not.toContain(cookieValue);
});

test('each login gets its own unguessable session id', async () => {
  const a = await login(signal.url);
  const b = await login(signal.url);
  expect(a.cookie).not.toBe(b.cookie);
});

test.each([
  ['no Authorization header', undefined, 'Missing bearer token'],
  ['a malformed token', 'not-a-jwt', 'Invalid token'],
  ['a token signed with another secret', jwt.sign({ sub: 'x' }, 'another-secret-that-is-32-bytes-long!!', { algorithm: 'HS256' }), 'Invalid token: bad signature'],
  ['an expired token', tokenFor({}, { expiresIn: -120 }), 'Token expired'],
  ['a token not valid yet', tokenFor({}, { notBefore: 600 }), 'Token not yet valid'],
  ['a token without subject', jwt.sign({ name: 'x' }, JWT_SECRET, { algorithm: 'HS256', expiresIn: '10m', issuer: TEST_ISSUER, audience: TEST_AUDIENCE }), 'Token has no subject'],
])('%s is refused with 401', async (_case, token, message) => {
  const res = await loginWith(token);
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ body: message });
  expect(res.headers.get('set-cookie')).toBeNull();
});

test('the session lives SESSION_TTL_SECONDS and not a moment longer', async () => {
  const user = await login(signal.url);
  expect((await get(signal.url, '/logout', user.cookie)).status).toBe(200);
  const again = await login(signal.url);
  clock.advance(7199_000);
  const fresh = await login(signal.url);
  clock.advance(1000);
  expect((await get(signal.url, '/logout', again.cookie)).status).toBe(401);
  expect((await get(signal.url, '/logout', fresh.cookie)).status).toBe(200);
});

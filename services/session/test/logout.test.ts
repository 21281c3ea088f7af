import { get, login, startSignal, type TestSignal } from '../../../test-support/signal/harness.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startSignal({ role: 'all-in-one' });
});
afterAll(() => signal.shutdown());

test('logout ends the session, clears the cookie and answers 200 with an empty body', async () => {
  const user = await login(signal.url);
  expect((await get(signal.url, '/ice_servers', user.cookie)).status).toBe(200);
  const res = await get(signal.url, '/logout', user.cookie);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
  expect(res.headers.get('set-cookie')).toMatch(/^sess38b9de00=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/);
  const after = await get(signal.url, '/ice_servers', user.cookie);
  expect(after.status).toBe(401);
  expect(await after.json()).toEqual({ body: 'Not logged in' });
});

test.each([
  ['no cookie', undefined],
  ['an unknown session', 'sess38b9de00=12345678-9abc-4f44-9aba-773c5a9d3465'],
  ['a malformed cookie', 'sess38b9de00=%%%'],
])('logout with %s is 401 Failed to logout', async (_case, cookie) => {
  const res = await get(signal.url, '/logout', cookie);
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ body: 'Failed to logout' });
});

test('a second logout with the same cookie fails', async () => {
  const user = await login(signal.url);
  expect((await get(signal.url, '/logout', user.cookie)).status).toBe(200);
  expect((await get(signal.url, '/logout', user.cookie)).status).toBe(401);
});

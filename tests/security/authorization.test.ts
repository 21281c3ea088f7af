/**
 * Who may do what: a third user (Mallory, logged in with a valid token of her own) tries to
 * impersonate, eavesdrop on and disrupt a handshake between Alice and Bob.
 */
import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, tokenFor, type LoggedIn, type TestSignal } from '../../test-support/signal/harness.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let signal: TestSignal;
let alice: LoggedIn;
let bob: LoggedIn;
let mallory: LoggedIn;

beforeAll(async () => {
  signal = await startSignal();
});
afterAll(() => signal.shutdown());
beforeEach(async () => {
  [alice, bob, mallory] = [await login(signal.url), await login(signal.url), await login(signal.url)];
});

async function read(type: 'offer' | 'answer', reader: LoggedIn, from: string, extra: Record<string, string> = {}): Promise<unknown> {
  const res = await get(signal.url, `/${type}?${sdpQuery(from, extra)}`, reader.cookie);
  return res.status === 204 ? 204 : res.json();
}

describe('the sender of an SDP is always the session user', () => {
  test('a body naming someone else as sender is stored as sent by the session user', async () => {
    const res = await post(signal.url, '/offer', mallory.cookie, { to: bob.uuid, from: alice.uuid, sender: alice.uuid, uuid: alice.uuid, sdp: sdpText('forged'), room: ROOM });
    expect(res.status).toBe(200);
    expect(await read('offer', bob, alice.uuid)).toBe(204);
    expect(await read('offer', bob, mallory.uuid)).toEqual({ from: mallory.uuid, sdp: sdpText('forged') });
  });

  test("nobody can overwrite another user's offer: the slot is keyed by the session user", async () => {
    await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('genuine'), room: ROOM });
    await post(signal.url, '/offer', mallory.cookie, { to: bob.uuid, from: alice.uuid, sdp: sdpText('forged'), room: ROOM });
    expect(await read('offer', bob, alice.uuid)).toEqual({ from: alice.uuid, sdp: sdpText('genuine') });
  });
});

describe('nobody reads SDPs not addressed to them', () => {
  test('a third user, the sender itself and another room or type all see nothing', async () => {
    await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('for bob'), room: ROOM });
    expect(await read('offer', mallory, alice.uuid)).toBe(204);
    expect(await read('offer', alice, bob.uuid)).toBe(204);
    expect(await read('offer', alice, alice.uuid)).toBe(204);
    expect(await read('answer', bob, alice.uuid)).toBe(204);
    expect(await read('offer', bob, alice.uuid, { room: crypto.randomUUID() })).toBe(204);
    expect(await read('offer', bob, alice.uuid)).toEqual({ from: alice.uuid, sdp: sdpText('for bob') });
  });

  test("a long-poll on someone else's slot is not woken by the SDP landing there", async () => {
    const eavesdrop = get(signal.url, `/offer?${sdpQuery(alice.uuid, { wait: '1' })}`, mallory.cookie);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('for bob'), room: ROOM });
    expect((await eavesdrop).status).toBe(204);
  });
});

describe('/expire only by the source or the destination', () => {
  test('a third user gets 403 and the SDP stays; the destination may expire it', async () => {
    await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('o'), room: ROOM });
    const forged = await post(signal.url, '/expire', mallory.cookie, { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ body: 'Only the source or the destination may expire these SDPs' });
    expect(await read('offer', bob, alice.uuid)).toEqual({ from: alice.uuid, sdp: sdpText('o') });
    expect((await post(signal.url, '/expire', bob.cookie, { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM })).status).toBe(200);
    expect(await read('offer', bob, alice.uuid)).toBe(204);
  });

  test("expiring her own pair with Bob leaves Alice's SDPs to Bob alone", async () => {
    await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('o'), room: ROOM });
    expect((await post(signal.url, '/expire', mallory.cookie, { source: mallory.uuid, type: 'offer', destination: bob.uuid, room: ROOM })).status).toBe(200);
    expect(await read('offer', bob, alice.uuid)).toEqual({ from: alice.uuid, sdp: sdpText('o') });
  });
});

test('a cross-site form post (no preflight: text/plain or form encoding) cannot submit an SDP', async () => {
  const body = JSON.stringify({ to: bob.uuid, sdp: sdpText('csrf'), room: ROOM });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const res = await fetch(`${signal.url}/offer`, { method: 'POST', headers: { cookie: mallory.cookie, 'content-type': type }, body });
    expect(res.status).toBe(415);
  }
  expect(await read('offer', bob, mallory.uuid)).toBe(204);
});

describe('session ids', () => {
  test('are random v4 UUIDs: 300 logins of the same person give 300 distinct ids with no shared structure', async () => {
    const claims = { sub: 'same-person', uuid: crypto.randomUUID() };
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 1) ids.push((await login(signal.url, claims)).cookie.split('=')[1] ?? '');
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(claims.uuid);
    // Every one of the 30 random hex positions takes many values across the sample; a counter,
    // timestamp or hash of the user would pin some positions to a few values.
    const fixed = [14, 8, 13, 18, 23];
    for (let position = 0; position < 36; position += 1) {
      if (fixed.includes(position)) continue;
      const seen = new Set(ids.map((id) => id[position]));
      expect(seen.size).toBeGreaterThanOrEqual(position === 19 ? 4 : 12);
    }
  });
});

describe('cookie attributes', () => {
  /** The Set-Cookie of a login and of the logout that follows, from a server run with `env`. */
  async function cookieOf(env: Record<string, string | undefined>): Promise<{ login: string; logout: string }> {
    const own = await startSignal({ role: 'session', env });
    try {
      const res = await fetch(`${own.url}/login`, { headers: { authorization: `Bearer ${tokenFor()}` } });
      const set = res.headers.get('set-cookie') ?? '';
      const logout = await get(own.url, '/logout', set.split(';')[0]);
      return { login: set, logout: logout.headers.get('set-cookie') ?? '' };
    } finally {
      await own.shutdown();
    }
  }
  const attributes = (header: string) => header.split(';').slice(1).map((part) => part.trim());

  test('HttpOnly, SameSite=Lax, Path=/, two hours, and Secure when SESSION_COOKIE_SECURE is unset', async () => {
    const { login: set, logout: cleared } = await cookieOf({ SESSION_COOKIE_SECURE: undefined });
    expect(set).toMatch(/^sess38b9de00=[0-9a-f-]{36};/);
    expect(attributes(set).filter((a) => !a.startsWith('Expires=')).sort()).toEqual(['HttpOnly', 'Max-Age=7200', 'Path=/', 'SameSite=Lax', 'Secure']);
    // The clearing cookie must carry the same scope, or the browser keeps the original.
    expect(cleared).toMatch(/^sess38b9de00=;/);
    expect(attributes(cleared)).toEqual(expect.arrayContaining(['HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT']));
  });

  test('Domain when SESSION_COOKIE_DOMAIN is set, on the login and on the logout cookie', async () => {
    const { login: set, logout: cleared } = await cookieOf({ SESSION_COOKIE_SECURE: undefined, SESSION_COOKIE_DOMAIN: 'smeconnect.example.test' });
    expect(attributes(set)).toContain('Domain=smeconnect.example.test');
    expect(attributes(cleared)).toContain('Domain=smeconnect.example.test');
  });
});

describe('logout revokes at once', () => {
  test('every endpoint refuses the cookie on the very next request', async () => {
    expect((await get(signal.url, '/ice_servers', alice.cookie)).status).toBe(200);
    expect((await get(signal.url, '/logout', alice.cookie)).status).toBe(200);
    expect((await get(signal.url, '/ice_servers', alice.cookie)).status).toBe(401);
    expect((await get(signal.url, `/offer?${sdpQuery(bob.uuid)}`, alice.cookie)).status).toBe(401);
    expect((await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('late'), room: ROOM })).status).toBe(401);
    expect((await get(signal.url, '/logout', alice.cookie)).status).toBe(401);
  });

  test('also when sessions are cached in process (SESSION_CACHE_SECONDS)', async () => {
    const cached = await startSignal({ env: { SESSION_CACHE_SECONDS: '300' } });
    try {
      const user = await login(cached.url);
      expect((await get(cached.url, '/ice_servers', user.cookie)).status).toBe(200);
      expect((await get(cached.url, '/logout', user.cookie)).status).toBe(200);
      expect((await get(cached.url, '/ice_servers', user.cookie)).status).toBe(401);
    } finally {
      await cached.shutdown();
    }
  });
});

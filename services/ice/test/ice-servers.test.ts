import { createHmac } from 'node:crypto';
import { ManualClock } from '@signal/common/clock';
import { sessionKey } from '@signal/common/auth/session-key';
import { get, login, startSignal, TURN_SECRET, type TestSignal } from '../../../test-support/signal/harness.ts';

let signal: TestSignal;
const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));

beforeAll(async () => {
  signal = await startSignal({
    role: 'ice',
    clock,
    env: { TURN_SECRET: `${TURN_SECRET},older-secret-of-at-least-32-chars`, STUN_URLS: 'stun:stun.example.test:3478', TURN_CREDENTIAL_TTL_SECONDS: '600' },
  });
});
afterAll(() => signal.shutdown());

async function loggedInCookie(): Promise<string> {
  // The ice service only reads sessions; create one through the store the way /login would.
  const cookieValue = crypto.randomUUID();
  const now = clock.now();
  await signal.platform.stores.sessions.create({
    id: sessionKey(cookieValue), uuid: crypto.randomUUID(), subject: 's', uid: 'u', name: 'n', authSource: { name: '', code: '' }, createdAt: now, expiresAt: now + 60_000,
  });
  return `sess38b9de00=${cookieValue}`;
}

test('returns a JSON string holding the seed configuration with verifiable TURN credentials', async () => {
  const res = await get(signal.url, '/ice_servers', await loggedInCookie());
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await res.text();
  expect(text.startsWith('"{\\"cfg\\":')).toBe(true);
  const document = JSON.parse(JSON.parse(text) as string);
  const expiry = Math.floor(clock.now() / 1000) + 600;
  const username = `${expiry}:turntls`;
  const credential = createHmac('sha1', TURN_SECRET).update(username).digest('base64');
  expect(document).toEqual({
    cfg: {
      iceCandidatePoolSize: 5,
      iceTransportPolicy: 'all',
      iceServers: [
        { urls: 'turns:turn-east.example.test:443', hasCredentials: true, username, credential },
        { urls: 'turn:turn-west.example.test:3478', hasCredentials: true, username, credential },
        { urls: 'stun:stun.example.test:3478', hasCredentials: false },
      ],
    },
    con: { optional: [{ DtlsSrtpKeyAgreement: true }] },
  });
});

test('credentials move with time', async () => {
  const cookie = await loggedInCookie();
  const first = JSON.parse(JSON.parse(await (await get(signal.url, '/ice_servers', cookie)).text()));
  clock.advance(5000);
  const second = JSON.parse(JSON.parse(await (await get(signal.url, '/ice_servers', cookie)).text()));
  expect(second.cfg.iceServers[0].username).not.toBe(first.cfg.iceServers[0].username);
});

test('needs a live session', async () => {
  const res = await get(signal.url, '/ice_servers');
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ body: 'Not logged in' });
});

test('an all-in-one login cookie works for /ice_servers', async () => {
  const aio = await startSignal();
  try {
    const user = await login(aio.url);
    expect((await get(aio.url, '/ice_servers', user.cookie)).status).toBe(200);
  } finally {
    await aio.shutdown();
  }
});

import { randomUUID } from 'node:crypto';
import { ManualClock } from '@signal/common/clock';
import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, type LoggedIn, type TestSignal } from '../../../test-support/signal/harness.ts';

let signal: TestSignal;
const clock = new ManualClock(Date.now());
let alice: LoggedIn;
let bob: LoggedIn;

beforeAll(async () => {
  signal = await startSignal({ role: 'all-in-one', clock, env: { SDP_TTL_SECONDS: '300' } });
});
beforeEach(async () => {
  alice = await login(signal.url);
  bob = await login(signal.url);
});
afterAll(() => signal.shutdown());

const offer = (from: LoggedIn, to: LoggedIn, label = 'a', room = ROOM) => post(signal.url, '/offer', from.cookie, { to: to.uuid, sdp: sdpText(label), room });

test('an offer posted by A is read by B as {from, sdp}; reading does not consume it', async () => {
  const res = await offer(alice, bob);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ body: true });
  for (let i = 0; i < 2; i += 1) {
    const read = await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ from: alice.uuid, sdp: sdpText('a') });
  }
});

test('nothing stored is 204 with an empty body', async () => {
  const res = await get(signal.url, `/answer?${sdpQuery(alice.uuid)}`, bob.cookie);
  expect(res.status).toBe(204);
  expect(await res.text()).toBe('');
});

test('an SDP is only for its addressee, in its room, of its type', async () => {
  const carol = await login(signal.url);
  await offer(alice, bob);
  expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, carol.cookie)).status).toBe(204);
  expect((await get(signal.url, `/answer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(204);
  const otherRoom = new URLSearchParams({ signalId: alice.uuid, room: randomUUID(), shortname: 'other-room' });
  expect((await get(signal.url, `/offer?${otherRoom}`, bob.cookie)).status).toBe(204);
  expect((await get(signal.url, `/offer?${sdpQuery(bob.uuid)}`, alice.cookie)).status).toBe(204);
});

test('a later SDP replaces the earlier one', async () => {
  await offer(alice, bob, 'first');
  await offer(alice, bob, 'second');
  expect(await (await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).json()).toEqual({ from: alice.uuid, sdp: sdpText('second') });
});

test('the sender is the session user, whatever the body says', async () => {
  await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, from: randomUUID(), sdp: sdpText('x'), room: ROOM });
  expect(await (await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).json()).toEqual({ from: alice.uuid, sdp: sdpText('x') });
});

test('an SDP lives SDP_TTL_SECONDS', async () => {
  await offer(alice, bob);
  clock.advance(299_000);
  expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(200);
  clock.advance(1000);
  expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(204);
});

test('UUIDs match whatever their letter case', async () => {
  await post(signal.url, '/offer', alice.cookie, { to: bob.uuid.toUpperCase(), sdp: sdpText('x'), room: { ...ROOM, uuid: ROOM.uuid.toUpperCase() } });
  expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid.toUpperCase())}`, bob.cookie)).status).toBe(200);
});

describe('expire', () => {
  const expireBody = (source: string, destination: string, type = 'offer') => ({
    source, type, destination, room: { ...ROOM, name: 'Test Room', connected: true },
  });

  test('removes that type between the two peers in both directions, idempotently', async () => {
    await offer(alice, bob, 'ab');
    await offer(bob, alice, 'ba');
    await post(signal.url, '/answer', bob.cookie, { to: alice.uuid, sdp: sdpText('answer'), room: ROOM });
    for (let i = 0; i < 2; i += 1) {
      const res = await post(signal.url, '/expire', alice.cookie, expireBody(alice.uuid, bob.uuid));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ body: true });
    }
    expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(204);
    expect((await get(signal.url, `/offer?${sdpQuery(bob.uuid)}`, alice.cookie)).status).toBe(204);
    expect((await get(signal.url, `/answer?${sdpQuery(bob.uuid)}`, alice.cookie)).status).toBe(200);
  });

  test('the destination may expire too; anyone else gets 403 and nothing changes', async () => {
    const mallory = await login(signal.url);
    await offer(alice, bob);
    const res = await post(signal.url, '/expire', mallory.cookie, expireBody(alice.uuid, bob.uuid));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ body: 'Only the source or the destination may expire these SDPs' });
    expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(200);
    expect((await post(signal.url, '/expire', bob.cookie, expireBody(alice.uuid, bob.uuid))).status).toBe(200);
    expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(204);
  });
});

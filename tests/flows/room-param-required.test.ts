import { login, post, ROOM, sdpText, startSignal, type LoggedIn, type TestSignal } from '../../test-support/signal/harness.ts';

/**
 * ROOM_PARAM_REQUIRED (the chart sets it with signaling.roomAffinity): behind an ingress that
 * hashes on ?room, a POST without it would land on whichever replica the empty key hashes to,
 * so it is refused with 400 instead; with the parameter everything works as before.
 */
let signal: TestSignal;
let alice: LoggedIn;
let bob: LoggedIn;

beforeAll(async () => {
  signal = await startSignal({ env: { ROOM_PARAM_REQUIRED: 'true' } });
  [alice, bob] = [await login(signal.url), await login(signal.url)];
});
afterAll(() => signal.shutdown());

const MESSAGE = 'Missing room: give ?room=<the room uuid> (this deployment routes each room to one replica)';

test.each([
  ['/offer', () => [alice, { to: bob.uuid, sdp: sdpText('offer'), room: ROOM }] as const],
  ['/answer', () => [bob, { to: alice.uuid, sdp: sdpText('answer'), room: ROOM }] as const],
  ['/expire', () => [alice, { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM }] as const],
])('POST %s without ?room: 400; with it: 200', async (path, request) => {
  const [sender, body] = request();
  const without = await post(signal.url, path, sender.cookie, body);
  expect([without.status, await without.json()]).toEqual([400, { body: MESSAGE }]);
  const withRoom = await post(signal.url, `${path}?room=${ROOM.uuid}`, sender.cookie, body);
  expect([withRoom.status, await withRoom.json()]).toEqual([200, { body: true }]);
});

test('without a session the answer is still 401: the room is checked after the login', async () => {
  expect((await post(signal.url, '/offer', undefined, { to: bob.uuid, sdp: sdpText('x'), room: ROOM })).status).toBe(401);
});

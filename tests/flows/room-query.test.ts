import fc from 'fast-check';
import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, type LoggedIn, type TestSignal } from '../../test-support/signal/harness.ts';

/** POST /offer, /answer and /expire with the optional `?room` a room-affine ingress routes on. */
let signal: TestSignal;
let alice: LoggedIn;
let bob: LoggedIn;

beforeAll(async () => {
  signal = await startSignal();
  [alice, bob] = [await login(signal.url), await login(signal.url)];
});
afterAll(() => signal.shutdown());

const OTHER_ROOM = '00000000-0000-0000-0000-000000000002';
const offerFor = (label: string) => ({ to: bob.uuid, sdp: sdpText(label), room: ROOM });

async function offerBobHolds(): Promise<string | undefined> {
  const res = await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie);
  return res.status === 200 ? ((await res.json()) as { sdp: string }).sdp : undefined;
}

async function answer(res: Response): Promise<[number, unknown]> {
  return [res.status, await res.json()];
}

test("with ?room equal to the body's room.uuid (any case), and without it, the offer is stored as before", async () => {
  expect(await answer(await post(signal.url, `/offer?room=${ROOM.uuid}`, alice.cookie, offerFor('with room')))).toEqual([200, { body: true }]);
  expect(await offerBobHolds()).toBe(sdpText('with room'));
  expect((await post(signal.url, `/offer?room=${ROOM.uuid.toUpperCase()}`, alice.cookie, offerFor('upper case'))).status).toBe(200);
  expect(await offerBobHolds()).toBe(sdpText('upper case'));
  expect((await post(signal.url, '/offer', alice.cookie, offerFor('without room'))).status).toBe(200);
  expect(await offerBobHolds()).toBe(sdpText('without room'));
});

test.each([
  [`room=${OTHER_ROOM}`, `Invalid room ${OTHER_ROOM}: not the room.uuid of the body`],
  ['room=some-four-random-words', 'Invalid room some-four-random-words'],
  ['room=', 'Invalid room: give the room uuid or leave room out'],
  ['room', 'Invalid room: give the room uuid or leave room out'],
  [`room=${ROOM.uuid}&room=${ROOM.uuid}`, 'Invalid room: give it once'],
  [`room=${ROOM.uuid}&room=${OTHER_ROOM}`, 'Invalid room: give it once'],
])('POST /offer, /answer and /expire with ?%s: 400 %j, and nothing changes', async (query, message) => {
  expect((await post(signal.url, '/offer', alice.cookie, offerFor('kept'))).status).toBe(200);
  expect(await answer(await post(signal.url, `/offer?${query}`, alice.cookie, offerFor('refused')))).toEqual([400, { body: message }]);
  expect(await answer(await post(signal.url, `/answer?${query}`, bob.cookie, { to: alice.uuid, sdp: sdpText('refused'), room: ROOM }))).toEqual([400, { body: message }]);
  const expire = { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM };
  expect(await answer(await post(signal.url, `/expire?${query}`, alice.cookie, expire))).toEqual([400, { body: message }]);
  expect(await offerBobHolds()).toBe(sdpText('kept'));
});

test('POST /expire with ?room equal to the body room expires the offer', async () => {
  expect((await post(signal.url, '/offer', alice.cookie, offerFor('to expire'))).status).toBe(200);
  const expire = { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM };
  expect(await answer(await post(signal.url, `/expire?room=${ROOM.uuid}`, alice.cookie, expire))).toEqual([200, { body: true }]);
  expect(await offerBobHolds()).toBeUndefined();
});

test('a body the schema refuses keeps its message whatever ?room says', async () => {
  expect(await answer(await post(signal.url, `/offer?room=${OTHER_ROOM}`, alice.cookie, { to: '12345678', sdp: sdpText('x'), room: ROOM }))).toEqual([
    400,
    { body: 'Invalid id 12345678' },
  ]);
});

test('any query string, as the server parses it: 200 exactly when room is absent or once and equal to the body room', async () => {
  const uuid = fc.oneof(fc.constant(ROOM.uuid), fc.constant(ROOM.uuid.toUpperCase()), fc.constant(OTHER_ROOM), fc.uuid());
  // Written as clients might: plain, percent-encoded, with stray spaces or separators.
  const written = fc.oneof(
    uuid,
    uuid.map((u) => encodeURIComponent(u).replaceAll('-', '%2D')),
    uuid.map((u) => `${u}+`),
    uuid.map((u) => `${u};x`),
    fc.constantFrom('', '%', '%zz', '[]', 'null'),
  );
  const pair = fc.tuple(fc.constantFrom('room', 'room', 'Room', 'room[]', 'rooms', 'shortname'), written);
  await fc.assert(
    fc.asyncProperty(fc.array(pair, { maxLength: 3 }), async (pairs) => {
      const query = pairs.map(([key, value]) => `${key}=${value}`).join('&');
      const rooms = new URLSearchParams(query).getAll('room');
      const expected = rooms.length === 0 || (rooms.length === 1 && rooms[0]!.toLowerCase() === ROOM.uuid) ? 200 : 400;
      const res = await post(signal.url, `/offer?${query}`, alice.cookie, offerFor('fuzzed'));
      const body = (await res.json()) as { body: unknown };
      expect([query, res.status]).toEqual([query, expected]);
      if (expected === 400) expect(body.body).toMatch(/^Invalid room[ :]/);
    }),
    { numRuns: 300, seed: 22 },
  );
}, 60_000);

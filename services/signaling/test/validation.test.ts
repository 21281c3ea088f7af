import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, type LoggedIn, type TestSignal } from '../../../test-support/signal/harness.ts';

let signal: TestSignal;
let alice: LoggedIn;
let bob: LoggedIn;
beforeAll(async () => {
  signal = await startSignal({ env: { SDP_MAX_BYTES: '2048' } });
  alice = await login(signal.url);
  bob = await login(signal.url);
});
afterAll(() => signal.shutdown());

const valid = () => ({ to: bob.uuid, sdp: sdpText('x'), room: { ...ROOM } });

describe.each(['/offer', '/answer'])('POST %s', (path) => {
  test.each([
    ['a non-UUID to', { to: '12345678' }, 'Invalid id 12345678'],
    ['a numeric to', { to: 12345678 }, 'Invalid id 12345678'],
    ['a missing to', { to: undefined }, 'Missing to'],
    ['a missing sdp', { sdp: undefined }, 'Missing sdp'],
    ['an sdp that is not SDP', { sdp: 'hello' }, 'Invalid sdp: a session description starts with v=0'],
    ['an sdp of the wrong type', { sdp: ['v=0'] }, 'Missing sdp'],
    ['a missing room', { room: undefined }, 'Missing room: an object with uuid and shortname'],
    ['a bad room uuid', { room: { uuid: 'room-1', shortname: 'abc' } }, 'Invalid id room-1'],
    ['a bad shortname', { room: { uuid: ROOM.uuid, shortname: 'Bad_Name' } }, 'Invalid shortname Bad_Name: lower-case letters and dashes only'],
    ['a missing shortname', { room: { uuid: ROOM.uuid } }, 'Missing shortname'],
  ])('%s is 400', async (_case, change, message) => {
    const res = await post(signal.url, path, alice.cookie, { ...valid(), ...change });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ body: message });
  });

  test('an SDP over SDP_MAX_BYTES is 413', async () => {
    const res = await post(signal.url, path, alice.cookie, { ...valid(), sdp: `v=0\r\n${'a'.repeat(3000)}` });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ body: 'SDP larger than 2048 bytes' });
  });

  test('a body far over the limit is 413 before it is parsed', async () => {
    const res = await post(signal.url, path, alice.cookie, { ...valid(), sdp: `v=0\r\n${'a'.repeat(100_000)}` });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ body: 'Request body too large' });
  });

  test('malformed JSON is 400, a non-JSON body 415, a JSON non-object 400', async () => {
    const broken = await post(signal.url, path, alice.cookie, '{"to":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ body: 'Request body is not valid JSON' });
    const text = await fetch(`${signal.url}${path}`, { method: 'POST', headers: { cookie: alice.cookie, 'content-type': 'text/plain' }, body: 'v=0' });
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({ body: 'Request body must be JSON (Content-Type: application/json)' });
    const array = await post(signal.url, path, alice.cookie, '[1,2]');
    expect(array.status).toBe(400);
  });

  test('sending to yourself is 400', async () => {
    const res = await post(signal.url, path, alice.cookie, { ...valid(), to: alice.uuid });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ body: 'Cannot send an SDP to yourself' });
  });

  test('without a session it is 401 and nothing is stored', async () => {
    const res = await post(signal.url, path, undefined, valid());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ body: 'Not logged in' });
  });
});

describe.each(['/offer', '/answer'])('GET %s', (path) => {
  test.each([
    ['a non-UUID signalId', { signalId: '12345678' }, 'Invalid id 12345678'],
    ['a missing signalId', { signalId: '' }, 'Missing signalId'],
    ['a non-UUID room', { room: 'nope' }, 'Invalid id nope'],
    ['a bad shortname', { shortname: 'UPPER' }, 'Invalid shortname UPPER: lower-case letters and dashes only'],
    ['a negative wait', { wait: '-1' }, 'Invalid wait -1: whole seconds from 0 to 25'],
    ['a fractional wait', { wait: '1.5' }, 'Invalid wait 1.5: whole seconds from 0 to 25'],
  ])('%s is 400', async (_case, change, message) => {
    const query = new URLSearchParams({ signalId: bob.uuid, room: ROOM.uuid, shortname: ROOM.shortname, ...change });
    const res = await get(signal.url, `${path}?${query}`, alice.cookie);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ body: message });
  });

  test('a repeated parameter is 400', async () => {
    const res = await get(signal.url, `${path}?${sdpQuery(bob.uuid)}&signalId=${bob.uuid}`, alice.cookie);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ body: 'Invalid signalId: give it once' });
  });
});

test.each([
  ['a bad type', { type: 'candidate' }, 'Invalid type candidate: offer or answer'],
  ['a bad source', { source: 'x' }, 'Invalid id x'],
  ['a bad destination', { destination: 12 }, 'Invalid id 12'],
  ['a missing room', { room: null }, 'Missing room: an object with uuid and shortname'],
])('POST /expire with %s is 400', async (_case, change, message) => {
  const res = await post(signal.url, '/expire', alice.cookie, { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM, ...change });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ body: message });
});

test('unknown paths are 404 and wrong methods 405, in the envelope', async () => {
  const missing = await get(signal.url, '/nope');
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ body: 'Not found' });
  const wrong = await fetch(`${signal.url}/ice_servers`, { method: 'DELETE', headers: { cookie: alice.cookie } });
  expect(wrong.status).toBe(405);
  expect(await wrong.json()).toEqual({ body: 'Method not allowed' });
});

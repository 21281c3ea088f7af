import type { TSchema } from '@sinclair/typebox';
import fc from 'fast-check';
import { HttpError } from '../../src/errors.ts';
import { expireRules, loginHeaderRules, logoutQueryRules, postQueryRules, sdpPostRules, sdpQueryRules, type Rule } from '../../src/api/rejections.ts';
import { wireSchemas } from '../../src/api/schemas.ts';
import { compileRequestValidators, wholeNumberPattern } from '../../src/api/validators.ts';

const LIMITS = { sdpMaxBytes: 2048, longPollMaxSeconds: 25 };
const { components, SdpQuery, PostQuery, LoginHeaders, LogoutQuery } = wireSchemas(LIMITS);
const validators = compileRequestValidators(LIMITS);

/** JSON pointers of every property a schema constrains, nested objects included. */
function pointers(schema: TSchema, at = ''): string[] {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  return Object.entries(properties).flatMap(([name, property]) => {
    const constrained = Object.keys(property).some((key) => key !== 'description');
    return constrained ? [`${at}/${name}`, ...pointers(property, `${at}/${name}`)] : [];
  });
}

test.each([
  ['POST /offer, /answer', components.SdpPost, sdpPostRules(LIMITS)],
  ['POST /expire', components.ExpireRequest, expireRules],
  ['GET /offer, /answer', SdpQuery, sdpQueryRules(LIMITS)],
  ['POST /offer, /answer, /expire query', PostQuery, postQueryRules],
  ['GET /login headers', LoginHeaders, loginHeaderRules],
  ['GET /logout', LogoutQuery, logoutQueryRules],
] as [string, TSchema, Rule[]][])('%s: every property the schema checks has a rule naming its message', (_route, schema, rules) => {
  const covered = new Set(rules.map((rule) => rule.at));
  expect(pointers(schema).filter((pointer) => !covered.has(pointer))).toEqual([]);
});

function rejected(parse: () => unknown): [number, string] {
  try {
    parse();
  } catch (error) {
    if (error instanceof HttpError) return [error.status, error.message];
    throw error;
  }
  throw new Error('accepted');
}

const ROOM = { uuid: '00000000-0000-0000-0000-000000000001', shortname: 'some-four-random-words' };
const PEER = '095BE615-A8AD-4C33-8E9C-C7612FBF6C9F';

test("the seed's messages, byte for byte", () => {
  expect(rejected(() => validators.sdpSubmission({ to: '12345678', sdp: 'v=0', room: ROOM }))).toEqual([400, 'Invalid id 12345678']);
  expect(rejected(() => validators.sdpSubmission({ to: 12345678, sdp: 'v=0', room: ROOM }))).toEqual([400, 'Invalid id 12345678']);
  expect(rejected(() => validators.sdpSubmission({ sdp: 'v=0', room: ROOM }))).toEqual([400, 'Missing to']);
  expect(rejected(() => validators.sdpSubmission({ to: PEER, room: ROOM }))).toEqual([400, 'Missing sdp']);
  expect(rejected(() => validators.sdpSubmission({ to: PEER, sdp: `v=0${'é'.repeat(1023)}`, room: ROOM }))).toEqual([413, 'SDP larger than 2048 bytes']);
  expect(rejected(() => validators.sdpSubmission(undefined))).toEqual([415, 'Request body must be JSON (Content-Type: application/json)']);
  expect(rejected(() => validators.sdpQuery({ signalId: PEER, room: ROOM.uuid, shortname: 'x', wait: '26' }))).toEqual([400, 'Invalid wait 26: whole seconds from 0 to 25']);
  expect(rejected(() => validators.expireRequest({ type: 'offer', source: PEER, destination: PEER, room: { uuid: ROOM.uuid, shortname: 'A' } }))).toEqual([
    400,
    'Invalid shortname A: lower-case letters and dashes only',
  ]);
});

test('accepted input comes back with lower-case ids and the wait as a number', () => {
  expect(validators.sdpSubmission({ to: PEER, sdp: 'v=0', room: { ...ROOM, name: 'Test Room', connected: true } })).toEqual({ to: PEER.toLowerCase(), sdp: 'v=0', room: ROOM });
  expect(validators.sdpQuery({ signalId: PEER, room: ROOM.uuid, shortname: ROOM.shortname, wait: '007' })).toEqual({ signalId: PEER.toLowerCase(), room: ROOM, waitSeconds: 7 });
});

test('the wait pattern accepts exactly the whole numbers up to the maximum, in at most 4 digits', () => {
  const pattern = new RegExp(wholeNumberPattern(25), 'u');
  const accepted = Array.from({ length: 10_000 }, (_, n) => String(n)).filter((text) => pattern.test(text));
  expect(accepted).toEqual(Array.from({ length: 26 }, (_, n) => String(n)));
  expect(['0025', '00000', '-1', '1.5', ' 1', ''].filter((text) => pattern.test(text))).toEqual(['0025']);
});

test('GET /login audit headers and GET /logout?all: the messages the handlers gave', () => {
  expect(validators.loginHeaders({ 'x-adapt-url': 'https://a.example' })).toEqual({ host: '', handler: '', url: 'https://a.example' });
  expect(rejected(() => validators.loginHeaders({ 'x-adapt-handler': 'x'.repeat(1025), 'x-adapt-url': 'x'.repeat(2000) }))).toEqual([400, 'Invalid x-adapt-handler header']);
  expect(validators.logoutQuery({})).toEqual({ all: false });
  expect(validators.logoutQuery({ all: 'true' })).toEqual({ all: true });
  for (const all of ['1', 'TRUE', '', ['true', 'true']]) expect(rejected(() => validators.logoutQuery({ all }))).toEqual([400, 'Invalid all: only all=true is accepted']);
});

test('a refusal is an HttpError without stack frames, and other errors keep theirs', () => {
  const limit = Error.stackTraceLimit;
  let refusal: unknown;
  try {
    validators.expireRequest({ type: 'offer', source: '12345678', destination: PEER, room: ROOM });
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(HttpError);
  expect((refusal as HttpError).stack?.split('\n')).toEqual(['HttpError: Invalid id 12345678']);
  expect(Error.stackTraceLimit).toBe(limit);
  expect(new Error('elsewhere').stack?.split('\n').length).toBeGreaterThan(1);
});

test('length limits at their boundaries: a 128-character shortname, 1024 latin-1 characters of an audit header', () => {
  const room = (shortname: string) => ({ type: 'offer', source: PEER, destination: PEER, room: { uuid: ROOM.uuid, shortname } });
  expect(validators.expireRequest(room('a'.repeat(128))).room.shortname).toHaveLength(128);
  expect(rejected(() => validators.expireRequest(room('a'.repeat(129))))).toEqual([400, `Invalid shortname ${'a'.repeat(64)}...: lower-case letters and dashes only`]);
  expect(validators.loginHeaders({ 'x-adapt-host': 'ÿ'.repeat(1024) }).host).toHaveLength(1024);
});

test("POST ?room: absent, or the body's room.uuid in any case; otherwise 400 naming the value", () => {
  const room = validators.sdpSubmission({ to: PEER, sdp: 'v=0', room: ROOM }).room;
  expect(validators.postQuery({}, room)).toBeUndefined();
  expect(validators.postQuery({ room: ROOM.uuid.toUpperCase(), other: 'ignored' }, room)).toBeUndefined();
  const other = '00000000-0000-0000-0000-000000000002';
  expect(rejected(() => validators.postQuery({ room: other }, room))).toEqual([400, `Invalid room ${other}: not the room.uuid of the body`]);
  expect(rejected(() => validators.postQuery({ room: 'some-four-random-words' }, room))).toEqual([400, 'Invalid room some-four-random-words']);
  expect(rejected(() => validators.postQuery({ room: '' }, room))).toEqual([400, 'Invalid room: give the room uuid or leave room out']);
  expect(rejected(() => validators.postQuery({ room: [ROOM.uuid, ROOM.uuid] }, room))).toEqual([400, 'Invalid room: give it once']);
  expect(rejected(() => validators.postQuery({ room: 'x'.repeat(100) }, room))).toEqual([400, `Invalid room ${'x'.repeat(64)}...`]);
});

test('POST ?room, any query value: accepted exactly when absent or one string naming the same uuid; every refusal is a 400 about room', () => {
  const uuid = fc.oneof(fc.uuid(), fc.constant(ROOM.uuid), fc.constant(ROOM.uuid.toUpperCase()));
  const text = fc.oneof(uuid, fc.string({ maxLength: 80 }), uuid.map((u) => ` ${u}`), uuid.map((u) => `${u}0`), uuid.map((u) => u.replaceAll('-', '')));
  const value = fc.oneof(fc.constant(undefined), text, fc.array(text, { minLength: 2, maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), text, { maxKeys: 2 }));
  const body = fc.oneof(fc.constant(ROOM.uuid), fc.uuid());
  fc.assert(
    fc.property(value, body, fc.dictionary(fc.constantFrom('shortname', 'to', 'Room', 'room[]'), text, { maxKeys: 2 }), (room, bodyUuid, extra) => {
      const parsed = validators.sdpSubmission({ to: PEER, sdp: 'v=0', room: { uuid: bodyUuid, shortname: ROOM.shortname } }).room;
      const query = room === undefined ? extra : { ...extra, room };
      const expected = room === undefined || (typeof room === 'string' && room.toLowerCase() === bodyUuid.toLowerCase());
      try {
        validators.postQuery(query, parsed);
      } catch (error) {
        expect(expected).toBe(false);
        expect(error).toBeInstanceOf(HttpError);
        expect((error as HttpError).status).toBe(400);
        expect((error as HttpError).message).toMatch(/^Invalid room[ :]/);
        return;
      }
      expect(expected).toBe(true);
    }),
    { numRuns: 2000, seed: 22 },
  );
});

import type { TSchema } from '@sinclair/typebox';
import { HttpError } from '../../src/errors.ts';
import { expireRules, loginHeaderRules, logoutQueryRules, sdpPostRules, sdpQueryRules, type Rule } from '../../src/api/rejections.ts';
import { wireSchemas } from '../../src/api/schemas.ts';
import { compileRequestValidators, wholeNumberPattern } from '../../src/api/validators.ts';

const LIMITS = { sdpMaxBytes: 2048, longPollMaxSeconds: 25 };
const { components, SdpQuery, LoginHeaders, LogoutQuery } = wireSchemas(LIMITS);
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

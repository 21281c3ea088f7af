/**
 * Differential property test: the validators compiled from the wire schemas accept, normalise and
 * refuse exactly like the hand-written checks they replaced (kept as the bench baseline),
 * message for message.
 */
import fc from 'fast-check';
import { compileRequestValidators } from '@signal/common/api/validators';
import { HttpError } from '@signal/common/errors';
import { parseExpireRequest, parseSdpQuery, parseSdpSubmission } from '../baselines/hand-written-validation.ts';

function outcome(parse: () => unknown): string {
  try {
    return `ok ${JSON.stringify(parse())}`;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return `${error.status} ${error.message}`;
  }
}

const junk = fc.oneof(
  fc.constantFrom(undefined, null, '', 0, 12345678, true, [], {}, ['a'], { a: 1 }, 'x'.repeat(80)),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
);
const uuidish = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => ` ${id}`),
  fc.uuid().map((id) => id.slice(1)),
  fc.constantFrom('12345678', '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-00000000000g'),
  junk,
);
const shortnameish = fc.oneof(
  fc.stringMatching(/^[a-z-]{1,10}$/),
  fc.constantFrom('a'.repeat(128), 'a'.repeat(129), 'UPPER', 'Bad_Name', 'é', 'a b', 'some-four-random-words'),
  junk,
);
/** Around a small byte limit, with multi-byte characters so bytes and characters differ. */
const LIMITS = { sdpMaxBytes: 64, longPollMaxSeconds: 25 };
const sdpish = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\r', '\n'), maxLength: 70 }).map((tail) => `v=0${tail}`),
  fc.string({ maxLength: 70 }),
  fc.constantFrom('v=0', 'V=0', ` v=0`, 'v=0'.padEnd(64, 'a'), 'v=0'.padEnd(65, 'a'), 'v=0'.padEnd(62, 'é')),
  junk,
);
const opt = { requiredKeys: [] as never[] };
const roomish = fc.oneof(fc.record({ uuid: uuidish, shortname: shortnameish, name: junk, connected: junk }, opt), junk);
const bodyOf = <T>(fields: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fields }, { weight: 1, arbitrary: junk });

test('POST /offer and /answer bodies: same result or same error as the hand-written checks', () => {
  const body = bodyOf(fc.record({ to: uuidish, sdp: sdpish, room: roomish, extra: junk }, opt));
  const validators = compileRequestValidators(LIMITS);
  fc.assert(
    fc.property(body, (input) => {
      expect(outcome(() => validators.sdpSubmission(input))).toBe(outcome(() => parseSdpSubmission(input, LIMITS.sdpMaxBytes)));
    }),
    { numRuns: 20_000 },
  );
});

test('POST /expire bodies: same result or same error', () => {
  const type = fc.oneof(fc.constantFrom('offer', 'answer', 'OFFER', 'candidate'), junk);
  const body = bodyOf(fc.record({ source: uuidish, type, destination: uuidish, room: roomish }, opt));
  const validators = compileRequestValidators(LIMITS);
  fc.assert(
    fc.property(body, (input) => {
      expect(outcome(() => validators.expireRequest(input))).toBe(outcome(() => parseExpireRequest(input)));
    }),
    { numRuns: 20_000 },
  );
});

test('GET /offer and /answer queries (strings, repeated keys): same result or same error, for any LONGPOLL_MAX_SECONDS', () => {
  const text = (value: fc.Arbitrary<unknown>) => value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  const queryValue = (value: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary: text(value) }, { weight: 1, arbitrary: fc.array(text(value), { minLength: 2, maxLength: 3 }) });
  const wait = fc.oneof(fc.nat({ max: 130 }).map(String), fc.constantFrom('0', '00', '0025', '00025', '-1', '1.5', '1e1', ' 1', '1 ', '', '0x10', '٣', 'NaN'), fc.string({ maxLength: 5 }));
  const query = fc.record({ signalId: queryValue(uuidish), room: queryValue(uuidish), shortname: queryValue(shortnameish), wait: queryValue(wait) }, opt);
  const compiled = new Map([0, 1, 9, 10, 25, 99, 100, 120].map((max) => [max, compileRequestValidators({ ...LIMITS, longPollMaxSeconds: max })] as const));
  fc.assert(
    fc.property(query, fc.constantFrom(...compiled.keys()), (input, max) => {
      const validators = compiled.get(max)!;
      expect(outcome(() => validators.sdpQuery(input))).toBe(outcome(() => parseSdpQuery(input, max)));
    }),
    { numRuns: 5_000 },
  );
});

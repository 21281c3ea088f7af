import { fromServiceBusMessage, toServiceBusMessage } from '../../src/adapters/servicebus/envelope-codec.ts';
import { EVENT_SCHEMA_VERSION, type EventEnvelope } from '../../src/ports/broadcasts.ts';

const slots = { room: 'room-1', type: 'offer', source: 'alice', destination: 'bob' } as const;

function expired(data: Record<string, unknown>): EventEnvelope {
  return { version: EVENT_SCHEMA_VERSION, id: 'e1', kind: 'sdp.expired', data: data as never, origin: 'a', publishedAt: 0 };
}

/** Through JSON, as the broker hands a body back. */
const roundTrip = (event: EventEnvelope) => fromServiceBusMessage({ body: JSON.parse(JSON.stringify(toServiceBusMessage(event).body)) });

test('an expire event decodes as published', () => {
  expect(roundTrip(expired(slots))).toEqual({ ok: true, event: expired(slots) });
});

test.each([
  ['no destination', { ...slots, destination: undefined }, 'data.destination missing'],
  ['an empty room', { ...slots, room: '' }, 'data.room missing'],
  ['a type that is no SDP type', { ...slots, type: 'pranswer' }, 'data.type not an SDP type'],
])('an expire event with %s is refused, so no handler wakes a slot for it', (_case, data, reason) => {
  expect(roundTrip(expired(data))).toEqual({ ok: false, reason });
});

test('a wake-up of the retired inbox transport is an unknown kind on the topic', () => {
  const old = { version: EVENT_SCHEMA_VERSION, id: 'e2', kind: 'sdp.posted', data: { room: 'r', type: 'offer', from: 'a', to: 'b' }, origin: 'a', publishedAt: 0 };
  expect(fromServiceBusMessage({ body: old })).toEqual({ ok: false, reason: 'unknown kind sdp.posted' });
});

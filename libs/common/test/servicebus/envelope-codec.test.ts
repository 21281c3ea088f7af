import { fromServiceBusMessage, toServiceBusMessage } from '../../src/adapters/servicebus/envelope-codec.ts';
import { EVENT_SCHEMA_VERSION, type CarriedSdpRecord, type EventEnvelope } from '../../src/ports/event-bus.ts';

const slot = { room: 'room-1', type: 'offer', from: 'alice', to: 'bob' } as const;
const record: CarriedSdpRecord = { ...slot, sdp: 'v=0\r\n', shortname: 'r', createdAt: 1, expiresAt: 2 };

function posted(data: Record<string, unknown>): EventEnvelope {
  return { version: EVENT_SCHEMA_VERSION, id: 'e1', kind: 'sdp.posted', data: data as never, origin: 'a', publishedAt: 0 };
}

/** Through JSON, as the broker hands a body back. */
const roundTrip = (event: EventEnvelope) => fromServiceBusMessage({ body: JSON.parse(JSON.stringify(toServiceBusMessage(event).body)) });

test('a wake-up carrying the written record decodes with it', () => {
  const decoded = roundTrip(posted({ ...slot, token: 't', record }));
  expect(decoded).toEqual({ ok: true, event: posted({ ...slot, token: 't', record }) });
});

test.each([
  ['another slot', { ...record, to: 'carol' }],
  ['no SDP', { ...record, sdp: undefined }],
  ['a time that is not a number', { ...record, expiresAt: '2' }],
  ['not an object', 'v=0'],
])('a carried record of %s is refused, so no handler answers a waiter with it', (_case, carried) => {
  expect(roundTrip(posted({ ...slot, record: carried }))).toEqual({ ok: false, reason: 'data.record not the announced SDP' });
});

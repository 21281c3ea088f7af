/**
 * Handshake timing and the delivery SLI, measured from the slots' own timestamps: three signaling
 * replicas on one store, the offer written on one, the answer on another, the reads served by a
 * third, as a per-request ingress spreads them. Time moves by an injected clock.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, expect, test } from '@jest/globals';
import { peerId, roomId, type PeerId } from '@signal/common/api/ids';
import { ManualClock } from '@signal/common/clock';
import type { Metrics } from '@signal/common/observability/metrics';
import { MemorySdpStore } from '@signal/signaling/store/memory-sdp-store';
import { UNDELIVERED_PER_USER_PER_MINUTE } from '@signal/signaling/domain/handshake-meter';
import { exchangeReplicas, type ExchangeReplica } from '../../test-support/replicas/exchange-replicas.ts';
import { LoopbackNetwork } from '../../test-support/replicas/loopback-network.ts';

const ROOM = { uuid: roomId(randomUUID()), shortname: 'meter' };
const never = new AbortController().signal;

let clock: ManualClock;
let replicas: [ExchangeReplica, ExchangeReplica, ExchangeReplica];
let alice: PeerId;
let bob: PeerId;

beforeEach(() => {
  clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const network = new LoopbackNetwork();
  replicas = exchangeReplicas(new MemorySdpStore(clock), ['a', 'b', 'c'].map((name) => network.wakeups(name)), {}, clock) as typeof replicas;
  alice = peerId(randomUUID());
  bob = peerId(randomUUID());
});

async function value(metrics: Metrics, name: string, labels = ''): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}`) || candidate.startsWith(`${name} `));
  return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? 0);
}

const sli = (metrics: Metrics, outcome: string) => value(metrics, 'signal_sdp_delivery_sli_total', `outcome="${outcome}"`);

/** `reader` reads the SDP `writer` sent it, on `replica`, as the GET handler does. */
async function read(replica: ExchangeReplica, type: 'offer' | 'answer', reader: PeerId, writer: PeerId) {
  const record = await replica.exchange.read(type, reader, { signalId: writer, room: ROOM, waitSeconds: 0 }, never);
  if (record !== undefined) replica.exchange.delivered(record);
  return record;
}

test('a handshake spread over three replicas is timed once, offer stored to answer read, by the replica serving the read', async () => {
  const [a, b, c] = replicas;
  await a.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 offer', room: ROOM });
  clock.advance(1_500);
  expect(await read(b, 'offer', bob, alice)).toBeDefined();
  await b.exchange.submit('answer', bob, { to: alice, sdp: 'v=0 answer', room: ROOM });
  clock.advance(500);
  expect((await read(c, 'answer', alice, bob))?.offeredAt).toBe(Date.UTC(2026, 0, 1, 12));
  await read(c, 'answer', alice, bob);

  expect(await value(c.metrics, 'signal_handshake_duration_seconds_count')).toBe(1);
  expect(await value(c.metrics, 'signal_handshake_duration_seconds_sum')).toBe(2);
  for (const other of [a, b]) expect(await value(other.metrics, 'signal_handshake_duration_seconds_count')).toBe(0);
  // Completed once, by the replica that wrote the answer.
  expect(await value(b.metrics, 'signal_handshakes_total', 'outcome="completed"')).toBe(1);
});

test('a second answer in the same slot is a handshake of its own and is timed again', async () => {
  const [a, b] = replicas;
  for (const attempt of [1, 2]) {
    await a.exchange.submit('offer', alice, { to: bob, sdp: `v=0 offer ${attempt}`, room: ROOM });
    await read(b, 'offer', bob, alice);
    clock.advance(1_000);
    await b.exchange.submit('answer', bob, { to: alice, sdp: `v=0 answer ${attempt}`, room: ROOM });
    await read(a, 'answer', alice, bob);
    await read(a, 'answer', alice, bob);
  }
  expect(await value(a.metrics, 'signal_handshake_duration_seconds_count')).toBe(2);
});

test('an SDP read within 5 s of being written is delivered in time, later is late; an offer replaced unanswered is undelivered', async () => {
  const [a, b] = replicas;
  await a.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 first', room: ROOM });
  clock.advance(4_000);
  await read(b, 'offer', bob, alice);
  clock.advance(2_000);
  await read(b, 'offer', bob, alice);
  expect([await sli(b.metrics, 'in_time'), await sli(b.metrics, 'late')]).toEqual([1, 1]);

  await a.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 second', room: ROOM });
  expect(await sli(a.metrics, 'undelivered')).toBe(1);
  expect(await value(a.metrics, 'signal_handshakes_total', 'outcome="abandoned"')).toBe(1);
});

test('one user flooding offers counts at most its share a minute in the SLI, while every unanswered offer still counts in the outcomes', async () => {
  const [a] = replicas;
  for (let i = 0; i <= 70; i += 1) await a.exchange.submit('offer', alice, { to: bob, sdp: `v=0 flood ${i}`, room: ROOM });
  expect(await value(a.metrics, 'signal_handshakes_total', 'outcome="abandoned"')).toBe(70);
  expect(await sli(a.metrics, 'undelivered')).toBe(UNDELIVERED_PER_USER_PER_MINUTE);
  expect(await value(a.metrics, 'signal_sdp_delivery_sli_capped_total')).toBe(70 - UNDELIVERED_PER_USER_PER_MINUTE);
  // Another user's events still count, and the flooder's own again the next minute.
  const carol = peerId(randomUUID());
  await a.exchange.submit('offer', carol, { to: bob, sdp: 'v=0 carol', room: ROOM });
  await a.exchange.submit('offer', carol, { to: bob, sdp: 'v=0 carol again', room: ROOM });
  clock.advance(60_000);
  await a.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 next minute', room: ROOM });
  expect(await sli(a.metrics, 'undelivered')).toBe(UNDELIVERED_PER_USER_PER_MINUTE + 2);
});

/**
 * Users steering the handshake SLO. The delivery SLI caps each user at 20 events a minute per
 * replica; within that, one user could still add 20 bad events a minute with offer-then-expire
 * rounds, enough to page at low traffic. (Fake completions between two sessions of one user are
 * refused at the door: an SDP to oneself is 400.) Time moves by an injected clock.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, expect, test } from '@jest/globals';
import { peerId, roomId } from '@signal/common/api/ids';
import { ManualClock } from '@signal/common/clock';
import type { Metrics } from '@signal/common/observability/metrics';
import { UNDELIVERED_PER_USER_PER_MINUTE } from '@signal/signaling/domain/handshake-meter';
import { MemorySdpStore } from '@signal/signaling/store/memory-sdp-store';
import { exchangeReplicas, type ExchangeReplica } from '../../test-support/replicas/exchange-replicas.ts';
import { LoopbackNetwork } from '../../test-support/replicas/loopback-network.ts';

const ROOM = { uuid: roomId(randomUUID()), shortname: 'gaming' };
let clock: ManualClock;
let replica: ExchangeReplica;

beforeEach(() => {
  clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  [replica] = exchangeReplicas(new MemorySdpStore(clock), [new LoopbackNetwork().wakeups('a')], {}, clock) as [ExchangeReplica];
});

async function sli(metrics: Metrics, outcome: string): Promise<number> {
  const line = (await metrics.registry.metrics()).split('\n').find((candidate) => candidate.startsWith(`signal_sdp_delivery_sli_total{outcome="${outcome}"`));
  return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? 0);
}

test(`40 offer-then-expire rounds by one user add at most ${UNDELIVERED_PER_USER_PER_MINUTE} undelivered events a minute`, async () => {
  const [mallory, victim] = [peerId(randomUUID()), peerId(randomUUID())];
  for (let round = 0; round < 40; round += 1) {
    await replica.exchange.submit('offer', mallory, { to: victim, sdp: `v=0 round ${round}`, room: ROOM });
    await replica.exchange.expire(mallory, { type: 'offer', source: mallory, destination: victim, room: ROOM });
  }
  expect(await sli(replica.metrics, 'undelivered')).toBe(UNDELIVERED_PER_USER_PER_MINUTE);
  // Every one still shows in the handshake outcomes, where an operator can see the rounds.
  expect(await replica.metrics.registry.metrics()).toMatch(/^signal_handshakes_total\{outcome="abandoned"[^}]*\} 40$/m);
});


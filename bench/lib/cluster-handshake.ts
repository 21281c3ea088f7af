import { randomUUID } from 'node:crypto';
import { get, post, type LoggedIn } from '../../test-support/signal/harness.ts';
import { SAMPLE_SDP } from './sample-sdp.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function exchange(type: 'offer' | 'answer', waitAt: string, postAt: string, from: LoggedIn, to: LoggedIn, room: { uuid: string; shortname: string }, parkMs: number): Promise<number> {
  const query = new URLSearchParams({ signalId: from.uuid, room: room.uuid, shortname: room.shortname, wait: '10' });
  const waiting = get(waitAt, `/${type}?${query}`, to.cookie);
  // Give the GET time to park, as a callee polls before the caller offers.
  await sleep(parkMs);
  const posted = await post(postAt, `/${type}?room=${room.uuid}`, from.cookie, { to: to.uuid, sdp: SAMPLE_SDP, room });
  const postedAt = performance.now();
  if (posted.status !== 200) throw new Error(`POST /${type} ${posted.status}`);
  const res = await waiting;
  const latency = performance.now() - postedAt;
  if (res.status !== 200) throw new Error(`woken GET /${type} ${res.status}`);
  await res.arrayBuffer();
  return latency;
}

/**
 * One handshake in a fresh room: Bob long-polls for the offer on `bobAt` while Alice posts it on
 * `aliceAt`, then Alice long-polls for the answer on `aliceAt` while Bob posts it on `bobAt`. With
 * two URLs both wake-ups cross replicas; with one, both stay local. Resolves with the two wake-up
 * latencies (POST answered -> woken GET answered), in ms.
 */
export function handshake(bobAt: string, aliceAt: string, alice: LoggedIn, bob: LoggedIn, parkMs = 30): Promise<[number, number]> {
  return handshakeVia([bobAt, aliceAt, aliceAt, bobAt], alice, bob, parkMs);
}

/**
 * The same handshake with each of its four requests sent where `pick` says for the room, in order
 * (offer GET, offer POST, answer GET, answer POST), as an ingress spreads requests over replicas:
 * at random, or by the room's hash.
 */
export function spreadHandshake(pick: (room: string) => string, alice: LoggedIn, bob: LoggedIn, parkMs = 30): Promise<[number, number]> {
  const room = randomUUID();
  return handshakeVia([pick(room), pick(room), pick(room), pick(room)], alice, bob, parkMs, room);
}

async function handshakeVia(
  [offerWait, offerPost, answerWait, answerPost]: [string, string, string, string],
  alice: LoggedIn,
  bob: LoggedIn,
  parkMs: number,
  roomId = randomUUID(),
): Promise<[number, number]> {
  const room = { uuid: roomId, shortname: 'bench-room' };
  const offer = await exchange('offer', offerWait, offerPost, alice, bob, room, parkMs);
  const answer = await exchange('answer', answerWait, answerPost, bob, alice, room, parkMs);
  return [offer, answer];
}

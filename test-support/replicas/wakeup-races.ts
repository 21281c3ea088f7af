import { randomUUID } from 'node:crypto';
import { peerId, roomId } from '@signal/common/api/ids';
import type { SdpType } from '@signal/signaling/store/sdp-store';
import type { ExchangeReplica } from './exchange-replicas.ts';

export interface RaceOptions {
  rounds: number;
  concurrency: number;
  waitSeconds: number;
  /** Each of GET and POST starts after a random delay up to this, so either may come first. */
  maxDelayMs: number;
  /** Deterministic randomness for a reproducible run. */
  random: () => number;
  /** A GET sent this long before its POST counts as parked when it was (default 15). */
  parkedMs?: number;
}

export interface RaceResult {
  rounds: number;
  /** GETs whose wait ended without the SDP that was posted: lost wake-ups. */
  lost: number;
  /** For GETs sent at least `parkedMs` before their POST: POST answered -> GET answered. */
  wokenAfterPostMs: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Randomised park/post races across replicas: in each round one replica takes a long-poll GET
 * for a fresh slot and another the POST that fills it, each after a random delay, so the GET
 * sometimes parks first, sometimes finds the SDP at once, sometimes races the write.
 */
export async function runWakeupRaces(replicas: ExchangeReplica[], options: RaceOptions): Promise<RaceResult> {
  const result: RaceResult = { rounds: 0, lost: 0, wokenAfterPostMs: [] };
  const pick = () => replicas[Math.floor(options.random() * replicas.length)]!;
  const race = async () => {
    const getter = pick();
    let poster = pick();
    while (replicas.length > 1 && poster === getter) poster = pick();
    const type: SdpType = options.random() < 0.5 ? 'offer' : 'answer';
    const room = { uuid: roomId(randomUUID()), shortname: 'race' };
    const [from, to] = [peerId(randomUUID()), peerId(randomUUID())];
    const [getDelay, postDelay] = [options.random() * options.maxDelayMs, options.random() * options.maxDelayMs];
    let getAt = 0;
    let postAt = 0;
    const reading = sleep(getDelay)
      .then(() => (getAt = performance.now()))
      .then(() => getter.exchange.read(type, to, { signalId: from, room, waitSeconds: options.waitSeconds }, new AbortController().signal))
      .then((record) => ({ record, at: performance.now() }));
    const postedAt = sleep(postDelay)
      .then(() => (postAt = performance.now()))
      .then(() => poster.exchange.submit(type, from, { to, sdp: `v=0 ${room.uuid}`, room }))
      .then(() => performance.now());
    const [read, posted] = await Promise.all([reading, postedAt]);
    result.rounds += 1;
    if (read.record?.sdp !== `v=0 ${room.uuid}`) result.lost += 1;
    else if (postAt - getAt >= (options.parkedMs ?? 15)) result.wokenAfterPostMs.push(Math.max(0, read.at - posted));
  };
  let started = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (started < options.rounds) {
        started += 1;
        await race();
      }
    }),
  );
  return result;
}

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

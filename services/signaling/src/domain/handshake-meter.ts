import type { Clock } from '@signal/common/clock';
import type { Metrics } from '@signal/common/observability/metrics';
import type { SdpRecord, UnansweredEnd } from '../store/sdp-store.ts';

/** An SDP handed to its peer within this many seconds of being written is delivered in time. */
export const DELIVERY_DEADLINE_SECONDS = 5;
/** Events one user adds to the delivery SLI per minute on one replica; past it they are left out. */
export const SLI_EVENTS_PER_USER_PER_MINUTE = 20;
/**
 * Of those, `undelivered` ones: an offer posted and then expired or replaced is the offerer's own
 * doing, so one user repeating it could otherwise add 20 bad events a minute, enough to page at
 * low traffic. A real client retries a failed handshake every few tens of seconds, so an outage
 * spread over many users still counts in full.
 */
export const UNDELIVERED_PER_USER_PER_MINUTE = 2;
/** Answers whose read was timed, remembered so a re-read of the same answer is not timed twice. */
const TIMED_ANSWERS = 10_000;
/** Slot hash bits in an answer's key: write time in ms (41 bits) times this stays an exact integer. */
const SLOT_HASH_BUCKETS = 1024;
const MINUTE_MS = 60_000;

export type DeliveryOutcome = 'in_time' | 'late' | 'undelivered';

/**
 * What users feel of the exchange, measured from the slots' own timestamps, so any replica can
 * measure it whatever replica stored what:
 * - an SDP read by its peer counts `in_time` or `late` against DELIVERY_DEADLINE_SECONDS after it
 *   was written; an offer that ended unanswered (replaced or expired) counts `undelivered`. These
 *   feed the handshake SLO, each user's share capped per minute so that one client flooding
 *   offers or polls can neither burn the budget nor drown an outage in successes;
 * - the offerer's read of an answer observes the handshake, offer stored to answer read, from the
 *   `offeredAt` the answer carries.
 * Every unanswered end also counts in `signal_handshakes_total`, uncapped.
 */
export class HandshakeMeter {
  readonly #clock: Clock;
  readonly #metrics: Metrics;
  readonly #timed = new Set<number>();
  #minute = 0;
  #perUser = new Map<string, { all: number; undelivered: number }>();

  constructor(clock: Clock, metrics: Metrics) {
    this.#clock = clock;
    this.#metrics = metrics;
  }

  /** The caller's GET is about to return `record`, which its peer wrote for it. */
  delivered(record: SdpRecord): void {
    const now = this.#clock.now();
    this.#count(record.to, now - record.createdAt <= DELIVERY_DEADLINE_SECONDS * 1000 ? 'in_time' : 'late', now);
    if (record.type === 'answer' && record.offeredAt !== undefined) this.#timeHandshake(record, record.offeredAt, now);
  }

  /** An offer by `offerer` was replaced or removed without ever being answered. */
  unanswered(outcome: UnansweredEnd, offerer: string): void {
    this.#metrics.handshakes.inc({ outcome });
    this.#count(offerer, 'undelivered', this.#clock.now());
  }

  #timeHandshake(answer: SdpRecord, offeredAt: number, now: number): void {
    const key = answerKey(answer);
    if (this.#timed.has(key)) return;
    if (this.#timed.size >= TIMED_ANSWERS) this.#timed.delete(this.#timed.values().next().value!);
    this.#timed.add(key);
    this.#metrics.handshakeDuration.observe(Math.max(0, now - offeredAt) / 1000);
  }

  #count(user: string, outcome: DeliveryOutcome, now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#perUser = new Map();
    }
    const counted = this.#perUser.get(user) ?? { all: 0, undelivered: 0 };
    const undelivered = outcome === 'undelivered';
    if (counted.all >= SLI_EVENTS_PER_USER_PER_MINUTE || (undelivered && counted.undelivered >= UNDELIVERED_PER_USER_PER_MINUTE)) {
      this.#metrics.deliverySliCapped.inc();
      return;
    }
    this.#perUser.set(user, { all: counted.all + 1, undelivered: counted.undelivered + (undelivered ? 1 : 0) });
    this.#metrics.deliverySli.inc({ outcome });
  }
}

/**
 * One number per answer, its write time and a hash of its slot: a string key held ~400 bytes per
 * remembered answer (4 MB at the cap). Two answers written in the same millisecond whose slots
 * share a bucket collide, which skips one duration sample and nothing else.
 */
function answerKey({ room, from, to, createdAt }: SdpRecord): number {
  let hash = 0x811c9dc5;
  for (const id of [room, from, to]) {
    for (let index = 0; index < id.length; index += 1) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  }
  return createdAt * SLOT_HASH_BUCKETS + ((hash >>> 0) % SLOT_HASH_BUCKETS);
}

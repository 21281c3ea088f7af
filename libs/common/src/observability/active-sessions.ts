import { systemClock, type Clock } from '../clock.ts';

/** Past this many remembered sessions a write sweeps out the stale ones (amortised: the next sweep waits for the map to double). */
const SWEEP_FLOOR = 10_000;

/**
 * Distinct sessions that made a request within a window, for the "how many users does this
 * touch" gauge. Keyed by the session's store key (a hash, never the cookie); read at scrape time,
 * so a request costs one map write.
 */
export class ActiveSessions {
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #lastSeen = new Map<string, number>();
  #sweepAt = SWEEP_FLOOR;

  constructor(windowMs: number, clock: Clock = systemClock) {
    this.#windowMs = windowMs;
    this.#clock = clock;
  }

  seen(sessionKey: string): void {
    const now = this.#clock.now();
    // Re-inserting keeps the map in last-seen order, so a count stops at the first stale entry.
    this.#lastSeen.delete(sessionKey);
    this.#lastSeen.set(sessionKey, now);
    if (this.#lastSeen.size >= this.#sweepAt) {
      this.#forgetStale(now);
      this.#sweepAt = Math.max(SWEEP_FLOOR, this.#lastSeen.size * 2);
    }
  }

  /** A session that ended (logout, revocation) is no longer active, whatever its last request. */
  forget(sessionKey: string): void {
    this.#lastSeen.delete(sessionKey);
  }

  count(): number {
    this.#forgetStale(this.#clock.now());
    return this.#lastSeen.size;
  }

  #forgetStale(now: number): void {
    for (const [key, at] of this.#lastSeen) {
      if (at > now - this.#windowMs) return;
      this.#lastSeen.delete(key);
    }
  }
}

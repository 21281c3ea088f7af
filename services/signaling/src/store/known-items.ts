/**
 * How long an item is remembered at most: a watch that can use the hint comes soon after the
 * write that taught it (a client's next long-poll on the slot, or its GET after a POST here).
 */
const REMEMBER_MS = 60_000;
/** Size that triggers the first sweep of forgotten entries; later sweeps wait for the map to double. */
const FIRST_SWEEP_AT = 10_000;
/** Beyond this even after a sweep, the hint starts over: a few MB at most. */
const MAX_ENTRIES = 20_000;

/**
 * Which items this process has seen exist, and until when their `ttl` keeps them: a hint for
 * choosing between patching an item and creating it, never a fact to rely on (another replica
 * may create or extend an item unseen, and both choices fall back to the other).
 */
export class KnownItems {
  readonly #until = new Map<string, number>();
  #sweepAt = FIRST_SWEEP_AT;

  /** Records an item seen in a response at `now`, with the `ttl` (seconds) it was written with. */
  saw(id: string, ttl: number | undefined, now: number): void {
    // One second of margin: the ttl runs from the write, a little before this response arrived.
    if (ttl === undefined || ttl <= 1) return;
    this.#until.set(id, now + Math.min((ttl - 1) * 1000, REMEMBER_MS));
    if (this.#until.size > this.#sweepAt) this.#sweep(now);
  }

  exists(id: string, now: number): boolean {
    return (this.#until.get(id) ?? 0) > now;
  }

  #sweep(now: number): void {
    for (const [id, until] of this.#until) if (until <= now) this.#until.delete(id);
    if (this.#until.size > MAX_ENTRIES) this.#until.clear();
    // Amortised: a map full of live entries is not scanned again on every write.
    this.#sweepAt = Math.max(FIRST_SWEEP_AT, 2 * this.#until.size);
  }
}

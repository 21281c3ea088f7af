/** Entries kept before those past their end are swept; beyond twice that the hint starts over. */
const SWEEP_AT = 10_000;

/**
 * Which items this process has seen exist, and until when their `ttl` keeps them: a hint for
 * choosing between patching an item and creating it, never a fact to rely on (another replica
 * may create or extend an item unseen, and both choices fall back to the other).
 */
export class KnownItems {
  readonly #until = new Map<string, number>();

  /** Records an item seen in a response at `now`, with the `ttl` (seconds) it was written with. */
  saw(id: string, ttl: number | undefined, now: number): void {
    // One second of margin: the ttl runs from the write, a little before this response arrived.
    if (ttl === undefined || ttl <= 1) return;
    this.#until.set(id, now + (ttl - 1) * 1000);
    if (this.#until.size > SWEEP_AT) this.#sweep(now);
  }

  exists(id: string, now: number): boolean {
    return (this.#until.get(id) ?? 0) > now;
  }

  #sweep(now: number): void {
    for (const [id, until] of this.#until) if (until <= now) this.#until.delete(id);
    if (this.#until.size > 2 * SWEEP_AT) this.#until.clear();
  }
}

import { FRESHNESS_MS } from './wakeup-mac.ts';

/**
 * Nonces of authenticated requests, each kept until its timestamp falls out of the freshness
 * window (after which the request is refused as stale anyway). Only requests with a valid MAC are
 * remembered, so only a holder of the secret can fill it; even so it is bounded, and when full a
 * request is refused rather than an unexpired nonce forgotten (which would let its replay through).
 */
export class ReplayCache {
  /** Insertion order is arrival order, so expired entries are found at the front. */
  readonly #expiries = new Map<string, number>();
  readonly #max: number;

  constructor(max = 65_536) {
    this.#max = max;
  }

  get size(): number {
    return this.#expiries.size;
  }

  /** `fresh` when the nonce is new (and now remembered), `replay` when seen before, `full` when it cannot be remembered. */
  admit(nonce: string, timestamp: number, now: number): 'fresh' | 'replay' | 'full' {
    this.#sweep(now);
    if (this.#expiries.has(nonce)) return 'replay';
    if (this.#expiries.size >= this.#max) return 'full';
    this.#expiries.set(nonce, timestamp + FRESHNESS_MS);
    return 'fresh';
  }

  #sweep(now: number): void {
    for (const [nonce, expiry] of this.#expiries) {
      if (expiry >= now) return;
      this.#expiries.delete(nonce);
    }
  }
}

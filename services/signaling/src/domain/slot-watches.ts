import type { Clock } from '@signal/common/clock';
import type { SdpKey, SdpRecord, SdpStore } from '../store/sdp-store.ts';

/** Entries kept before expired ones are swept. */
const SWEEP_AT = 10_000;

export interface Watched {
  record: SdpRecord | undefined;
  /** False when no writer will wake this replica for the slot: the waiter must re-check. */
  reachable: boolean;
}

/**
 * Puts this replica's wake-up address on the slots its long-polls wait on, so that the replica
 * posting an SDP knows whom to wake. One write per slot covers every later waiter of this
 * replica whose wait ends no later; those only read. A wake-up for a slot forgets its coverage:
 * the write that caused it may have shortened the item's life in the store.
 */
export class SlotWatches {
  readonly #sdps: SdpStore;
  readonly #address: string;
  readonly #clock: Clock;
  /** Slot -> until, written and acknowledged by the store. */
  readonly #covered = new Map<string, number>();

  constructor(sdps: SdpStore, address: string, clock: Clock) {
    this.#sdps = sdps;
    this.#address = address;
    this.#clock = clock;
  }

  /** The live record now, registering `until` on the slot unless an earlier write covers it. */
  async watch(key: SdpKey, slot: string, until: number): Promise<Watched> {
    const address = this.#address;
    if ((this.#covered.get(slot) ?? 0) >= until) return { record: await this.#sdps.get(key), reachable: true };
    let record: SdpRecord | undefined;
    try {
      record = await this.#sdps.watch(key, { address, until });
    } catch {
      // Without its address on the slot this waiter cannot be woken, but it can still re-check
      // (store metrics count the failed write; a store that cannot read either fails the request).
      return { record: await this.#sdps.get(key), reachable: false };
    }
    // Only an acknowledged write covers: a waiter relying on one still in flight could miss a put
    // that lands before it.
    if ((this.#covered.get(slot) ?? 0) < until) this.#covered.set(slot, until);
    if (this.#covered.size > SWEEP_AT) this.#sweep();
    return { record, reachable: true };
  }

  forget(slot: string): void {
    this.#covered.delete(slot);
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [slot, until] of this.#covered) if (until <= now) this.#covered.delete(slot);
  }
}

import type { Clock } from '../../clock.ts';
import { liveWaiters, type SdpKey, type SdpRecord, type SdpStore, type SdpWrite, type SlotWaiter } from '../../ports/sdp-store.ts';
import type { ByteBudget } from './byte-budget.ts';
import { ExpiringMap } from './expiring-map.ts';

const slot = (key: SdpKey) => `${key.room}|${key.type}|${key.from}|${key.to}`;

/** One slot: its record (if any) and its waiters' `until` by address; lives as long as either. */
interface Slot {
  record: SdpRecord | undefined;
  waiters: Record<string, number>;
  expiresAt: number;
}

const slotExpiry = (record: SdpRecord | undefined, waiters: Record<string, number>) => Math.max(record?.expiresAt ?? 0, ...Object.values(waiters));

/**
 * SDPs in this process only: the single-machine default, and the reference for the SdpStore
 * contract. Every read sees every earlier write, so it hands out no consistency tokens.
 */
export class MemorySdpStore implements SdpStore {
  readonly #slots: ExpiringMap<Slot>;
  readonly #clock: Clock;

  constructor(clock: Clock, budget?: ByteBudget) {
    this.#clock = clock;
    this.#slots = new ExpiringMap(clock, { budget });
  }

  async put(record: SdpRecord): Promise<SdpWrite> {
    const waiters = this.#slots.get(slot(record))?.waiters ?? {};
    this.#slots.set(slot(record), { record, waiters, expiresAt: slotExpiry(record, waiters) });
    return { waiters: liveWaiters(waiters, this.#clock.now()), token: undefined };
  }

  async get(key: SdpKey): Promise<SdpRecord | undefined> {
    return this.#live(this.#slots.get(slot(key))?.record);
  }

  async watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined> {
    const current = this.#slots.get(slot(key));
    const waiters = { ...current?.waiters, [waiter.address]: waiter.until };
    this.#slots.set(slot(key), { record: current?.record, waiters, expiresAt: slotExpiry(current?.record, waiters) });
    return this.#live(current?.record);
  }

  async clear(key: SdpKey): Promise<void> {
    const current = this.#slots.get(slot(key));
    if (current === undefined) return;
    this.#slots.set(slot(key), { record: undefined, waiters: current.waiters, expiresAt: slotExpiry(undefined, current.waiters) });
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#slots.close();
  }

  #live(record: SdpRecord | undefined): SdpRecord | undefined {
    return record !== undefined && record.expiresAt > this.#clock.now() ? record : undefined;
  }
}

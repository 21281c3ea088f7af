import type { Clock } from '../../clock.ts';
import {
  liveWaiters,
  recordSlotExpiry,
  unansweredEnd,
  type SdpKey,
  type SdpRecord,
  type SdpStore,
  type SdpWrite,
  type SlotWaiter,
  type UnansweredEnd,
} from '../../ports/sdp-store.ts';
import type { ByteBudget } from './byte-budget.ts';
import { ExpiringMap } from './expiring-map.ts';

const slot = (key: SdpKey) => `${key.room}|${key.type}|${key.from}|${key.to}`;

/**
 * One slot: its record (if any), its waiters' `until` by address, and how many answers were
 * written since the record was stored; lives as long as the record's history or the waiters.
 */
interface Slot {
  record: SdpRecord | undefined;
  waiters: Record<string, number>;
  answers: number;
  expiresAt: number;
}

const slotExpiry = (record: SdpRecord | undefined, waiters: Record<string, number>) =>
  Math.max(record === undefined ? 0 : recordSlotExpiry(record), ...Object.values(waiters));

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
    const current = this.#slots.get(slot(record));
    const waiters = current?.waiters ?? {};
    this.#slots.set(slot(record), { record, waiters, answers: 0, expiresAt: slotExpiry(record, waiters) });
    const now = this.#clock.now();
    return { waiters: liveWaiters(waiters, now), token: undefined, replaced: this.#ended(record, current, now) };
  }

  async get(key: SdpKey): Promise<SdpRecord | undefined> {
    return this.#live(this.#slots.get(slot(key))?.record);
  }

  async watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined> {
    const current = this.#slots.get(slot(key));
    const waiters = { ...current?.waiters, [waiter.address]: waiter.until };
    this.#slots.set(slot(key), { record: current?.record, waiters, answers: current?.answers ?? 0, expiresAt: slotExpiry(current?.record, waiters) });
    return this.#live(current?.record);
  }

  async clear(key: SdpKey): Promise<UnansweredEnd | undefined> {
    const current = this.#slots.get(slot(key));
    if (current === undefined) return undefined;
    this.#slots.set(slot(key), { record: undefined, waiters: current.waiters, answers: 0, expiresAt: slotExpiry(undefined, current.waiters) });
    return this.#ended(key, current, this.#clock.now());
  }

  async markAnswered(offer: SdpKey): Promise<boolean> {
    const current = this.#slots.get(slot(offer));
    if (current?.record === undefined) return false;
    this.#slots.set(slot(offer), { ...current, answers: current.answers + 1 });
    return current.answers === 0;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#slots.close();
  }

  #ended(key: SdpKey, previous: Slot | undefined, now: number): UnansweredEnd | undefined {
    if (key.type !== 'offer' || previous?.record === undefined) return undefined;
    return unansweredEnd({ expiresAt: previous.record.expiresAt, answers: previous.answers }, now);
  }

  #live(record: SdpRecord | undefined): SdpRecord | undefined {
    return record !== undefined && record.expiresAt > this.#clock.now() ? record : undefined;
  }
}

import type { Clock } from '@signal/common/clock';
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
} from './sdp-store.ts';
import type { ByteBudget } from '@signal/common/adapters/memory/byte-budget';
import { ExpiringMap } from '@signal/common/adapters/memory/expiring-map';

const slot = (key: SdpKey) => `${key.room}|${key.type}|${key.from}|${key.to}`;

/** One slot: its record (if any) and its waiters' `until` by address; lives as long as either. */
interface Slot {
  record: SdpRecord | undefined;
  waiters: Record<string, number>;
  expiresAt: number;
}

/** What an offer slot remembers of its offer after the SDP itself is gone, for OFFER_HISTORY_MS. */
interface OfferHistory {
  /** The offerer, whose budget share the history counts against. */
  from: string;
  offeredAt: number;
  offerExpiresAt: number;
  answers: number;
  expiresAt: number;
}

/** A slot nobody waits on shares this (stored values are frozen anyway). */
const NO_WAITERS: Readonly<Record<string, number>> = Object.freeze({});

function slotExpiry(record: SdpRecord | undefined, waiters: Readonly<Record<string, number>>): number {
  let expiresAt = record?.expiresAt ?? 0;
  for (const address in waiters) expiresAt = Math.max(expiresAt, waiters[address]!);
  return expiresAt;
}

/**
 * SDPs in this process only: the single-machine default, and the reference for the SdpStore
 * contract. Every read sees every earlier write, so it hands out no consistency tokens. An
 * offer's history is kept apart from its SDP, so an expired SDP still gives its bytes back to
 * the budget on time.
 */
export class MemorySdpStore implements SdpStore {
  readonly #slots: ExpiringMap<Slot>;
  readonly #offers: ExpiringMap<OfferHistory>;
  readonly #clock: Clock;

  constructor(clock: Clock, budget?: ByteBudget) {
    this.#clock = clock;
    // A slot counts against its sender's share, or while it holds only waiters, the waiting addressee's.
    this.#slots = new ExpiringMap(clock, { budget, ownerOf: (key, { record }) => record?.from ?? key.slice(key.lastIndexOf('|') + 1) });
    this.#offers = new ExpiringMap(clock, { budget, ownerOf: (_key, { from }) => from });
  }

  // One key string per operation, shared by both maps: each entry keeps the string it was set with.
  async put(record: SdpRecord): Promise<SdpWrite> {
    const id = slot(record);
    const waiters = this.#slots.get(id)?.waiters ?? NO_WAITERS;
    this.#slots.set(id, { record, waiters, expiresAt: slotExpiry(record, waiters) });
    let replaced: UnansweredEnd | undefined;
    if (record.type === 'offer') {
      replaced = this.#ended(id);
      this.#offers.set(id, { from: record.from, offeredAt: record.createdAt, offerExpiresAt: record.expiresAt, answers: 0, expiresAt: recordSlotExpiry(record) });
    }
    return { waiters: liveWaiters(waiters, this.#clock.now()), token: undefined, replaced };
  }

  async get(key: SdpKey): Promise<SdpRecord | undefined> {
    return this.#live(this.#slots.get(slot(key))?.record);
  }

  async watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined> {
    const id = slot(key);
    const current = this.#slots.get(id);
    const waiters = { ...current?.waiters, [waiter.address]: waiter.until };
    this.#slots.set(id, { record: current?.record, waiters, expiresAt: slotExpiry(current?.record, waiters) });
    return this.#live(current?.record);
  }

  async clear(key: SdpKey): Promise<UnansweredEnd | undefined> {
    const id = slot(key);
    const ended = key.type === 'offer' ? this.#ended(id) : undefined;
    this.#offers.delete(id);
    const current = this.#slots.get(id);
    if (current !== undefined) this.#slots.set(id, { record: undefined, waiters: current.waiters, expiresAt: slotExpiry(undefined, current.waiters) });
    return ended;
  }

  async markAnswered(offer: SdpKey): Promise<number | undefined> {
    const id = slot(offer);
    const history = this.#offers.get(id);
    if (history === undefined) return undefined;
    this.#offers.set(id, { ...history, answers: history.answers + 1 });
    return history.answers === 0 ? history.offeredAt : undefined;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#slots.close();
    this.#offers.close();
  }

  #ended(id: string): UnansweredEnd | undefined {
    const history = this.#offers.get(id);
    return history === undefined ? undefined : unansweredEnd({ expiresAt: history.offerExpiresAt, answers: history.answers }, this.#clock.now());
  }

  #live(record: SdpRecord | undefined): SdpRecord | undefined {
    return record !== undefined && record.expiresAt > this.#clock.now() ? record : undefined;
  }
}

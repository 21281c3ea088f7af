export type SdpType = 'offer' | 'answer';

/** One SDP slot: the latest `type` SDP that `from` sent to `to` in `room`. */
export interface SdpKey {
  room: string;
  type: SdpType;
  from: string;
  to: string;
}

export interface SdpRecord extends SdpKey {
  sdp: string;
  shortname: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; a record read at or after this instant does not exist. */
  expiresAt: number;
  /** On an answer: when the offer it answers was stored (epoch ms), for the handshake timer. */
  offeredAt?: number;
}

/** A replica waiting on a slot: the wake-up address a writer wakes it through, and when its wait ends. */
export interface SlotWaiter {
  address: string;
  /** Epoch milliseconds. */
  until: number;
}

/**
 * How an offer that nobody answered left its slot: replaced or cleared while still live
 * (`abandoned`), or after it had expired (`expired_unanswered`). Answered offers are counted
 * once, by the answer's `markAnswered`, and never again.
 */
export type UnansweredEnd = 'abandoned' | 'expired_unanswered';

/** What a write saw of its slot. */
export interface SdpWrite {
  /** Wake-up addresses of the replicas whose waiters on the slot were live when the write landed. */
  waiters: string[];
  /**
   * Hand to `get` on another replica so that its read sees this write (a Cosmos session token);
   * undefined when every read sees every earlier write anyway.
   */
  token: string | undefined;
  /** On an offer: how the offer this put replaced ended, when it was never answered. */
  replaced: UnansweredEnd | undefined;
}

/**
 * Where SDPs live, one item per slot holding the record and the addresses of the replicas
 * waiting on it. `put` and `watch` both write that item, so whichever lands second sees the
 * other: a waiter either finds the record or is in the writer's waiter list. No transaction, no
 * lost wake-up. Point operations only. Adapters throw `DependencyUnavailableError` when their
 * backing service cannot answer.
 */
export interface SdpStore {
  /** Stores the record, replacing any earlier one with the same key; waiters stay. */
  put(record: SdpRecord): Promise<SdpWrite>;
  /** The live record for this key, or undefined; with `token`, at least as new as that write. */
  get(key: SdpKey, token?: string): Promise<SdpRecord | undefined>;
  /**
   * Notes `waiter` on the slot (replacing that address's earlier entry) and returns the live
   * record as of this write, or undefined.
   */
  watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined>;
  /**
   * Removes the record but keeps the slot's waiters (their long-polls are still open). Idempotent.
   * On an offer slot, answers how the removed offer ended when it was never answered.
   */
  clear(key: SdpKey): Promise<UnansweredEnd | undefined>;
  /**
   * Notes on the offer slot `offer` that an answer to it is being written. For the first answer
   * to a stored offer (a completed handshake) answers when that offer was stored (its
   * `createdAt`, which the answer carries as `offeredAt`); undefined otherwise. Never creates the slot.
   */
  markAnswered(offer: SdpKey): Promise<number | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Waiters a writer should still wake. `until` comes from the waiting replica's clock; the margin
 * absorbs clock skew between replicas (a stale entry costs one message to a replica that wakes
 * nobody, a dropped live one would cost a wake-up).
 */
export const SKEW_MARGIN_MS = 2_000;

export function liveWaiters(waiters: Readonly<Record<string, number>> | undefined, now: number): string[] {
  const live: string[] = [];
  // Not Object.entries: a pair array per waiter, on every SDP write.
  for (const address in waiters) if (Object.hasOwn(waiters, address) && waiters[address]! + SKEW_MARGIN_MS > now) live.push(address);
  return live;
}

/** The end of a replaced or cleared offer, from what its slot held before the write. */
export function unansweredEnd(previous: { expiresAt: number; answers: number } | undefined, now: number): UnansweredEnd | undefined {
  if (previous === undefined || previous.expiresAt <= 0 || previous.answers > 0) return undefined;
  return previous.expiresAt > now ? 'abandoned' : 'expired_unanswered';
}

/**
 * How long an offer's slot outlives the offer: long enough that a later offer or clear still
 * finds it and can tell an offer that expired unanswered from no offer at all.
 */
export const OFFER_HISTORY_MS = 10 * 60_000;

/** When a slot holding `record` may be dropped, waiters aside. */
export const recordSlotExpiry = (record: Pick<SdpRecord, 'type' | 'expiresAt'>): number => record.expiresAt + (record.type === 'offer' ? OFFER_HISTORY_MS : 0);

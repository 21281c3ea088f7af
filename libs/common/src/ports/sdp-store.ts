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

/** A replica waiting on a slot: the inbox address a writer wakes it through, and when its wait ends. */
export interface SlotWaiter {
  address: string;
  /** Epoch milliseconds. */
  until: number;
}

/** What a write saw of its slot. */
export interface SdpWrite {
  /** Inbox addresses of the replicas whose waiters on the slot were live when the write landed. */
  waiters: string[];
  /**
   * Hand to `get` on another replica so that its read sees this write (a Cosmos session token);
   * undefined when every read sees every earlier write anyway.
   */
  token: string | undefined;
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
  /** Removes the record but keeps the slot's waiters (their long-polls are still open). Idempotent. */
  clear(key: SdpKey): Promise<void>;
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
  return Object.entries(waiters ?? {})
    .filter(([, until]) => until + SKEW_MARGIN_MS > now)
    .map(([address]) => address);
}

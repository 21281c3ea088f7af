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
}

/**
 * Where SDPs live. Point reads and point writes only: no query is ever needed on a request path.
 * Adapters throw `DependencyUnavailableError` when their backing service cannot answer.
 */
export interface SdpStore {
  /** Stores the record, replacing any earlier one with the same key. */
  put(record: SdpRecord): Promise<void>;
  /** The live record for this key, or undefined when missing or expired. */
  get(key: SdpKey): Promise<SdpRecord | undefined>;
  /** Removes the record; true when a live one existed. Idempotent. */
  delete(key: SdpKey): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

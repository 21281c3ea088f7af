/**
 * A wake-up says only where to look: the slot a writer just wrote, and the writer's store session
 * token so that the woken replica's read sees the write. The woken replica answers its waiters
 * from what the store holds, so a forged, replayed or late wake-up costs at most one point read
 * and can never deliver an SDP the store no longer holds.
 */
export interface WakeupHint {
  room: string;
  type: 'offer' | 'answer';
  from: string;
  to: string;
  /** The writer's store session token (read-your-writes); absent when every read sees every write. */
  token?: string;
}

/**
 * How a replica wakes the long-polls other replicas hold. `wake` never rejects: an address that
 * does not acknowledge the hint is counted `dropped`, and its waiter falls back to re-checking the
 * store on its timer.
 */
export interface Wakeups {
  /** This replica's address, written on the slots its long-polls wait on. */
  readonly address: string;
  /** Delivers `hint` to each address (one request per address, sent together); resolves when every address acknowledged or was given up on. */
  wake(addresses: readonly string[], hint: WakeupHint): Promise<void>;
  /** Registers the handler for hints this replica receives; returns an unsubscribe function. */
  onWake(handler: (hint: WakeupHint) => void | Promise<void>): () => void;
  close(): Promise<void>;
}

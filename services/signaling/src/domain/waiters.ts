export type WaitOutcome = 'woken' | 'timeout' | 'client_gone' | 'shutdown' | 'recheck';

interface Waiter {
  settle(outcome: WaitOutcome, token?: string): void;
}

export interface Parked {
  outcome: Promise<WaitOutcome>;
  /** The consistency token of the write that woke this waiter, if the wake-up carried one. */
  token(): string | undefined;
  /** Leaves the registry without waking anyone else on the slot. */
  cancel(): void;
}

/**
 * Long-poll requests parked until an event names their SDP slot. Waiting costs a timer and a
 * set entry, never a store read; the slot's store read happens only when woken.
 */
export class WaiterRegistry {
  readonly #bySlot = new Map<string, Set<Waiter>>();
  #count = 0;
  #closed = false;

  get size(): number {
    return this.#count;
  }

  /**
   * Parks until `wake(slot)`, the timeout, the abort signal or shutdown. Registration happens
   * synchronously, so a caller that registers and then reads the store cannot miss a wake-up for
   * a write that lands in between.
   */
  park(slot: string, timeoutMs: number, signal: AbortSignal): Parked {
    if (this.#closed) return { outcome: Promise.resolve('shutdown'), token: () => undefined, cancel: () => {} };
    if (signal.aborted) return { outcome: Promise.resolve('client_gone'), token: () => undefined, cancel: () => {} };
    let self: Waiter | undefined;
    let wokenBy: string | undefined;
    const outcome = new Promise<WaitOutcome>((resolve) => {
      let set = this.#bySlot.get(slot);
      if (set === undefined) {
        set = new Set();
        this.#bySlot.set(slot, set);
      }
      const slotSet = set;
      const onAbort = () => waiter.settle('client_gone');
      const timer = setTimeout(() => waiter.settle('timeout'), timeoutMs);
      const waiter: Waiter = {
        settle: (outcome, token) => {
          if (!slotSet.delete(waiter)) return;
          wokenBy = token;
          if (slotSet.size === 0) this.#bySlot.delete(slot);
          this.#count -= 1;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      slotSet.add(waiter);
      this.#count += 1;
      signal.addEventListener('abort', onAbort, { once: true });
      self = waiter;
    });
    return { outcome, token: () => wokenBy, cancel: () => self?.settle('recheck') };
  }

  wake(slot: string, outcome: WaitOutcome = 'woken', token?: string): void {
    const set = this.#bySlot.get(slot);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter.settle(outcome, token);
  }

  /** Wakes everyone: used to re-check the store when the bus cannot be trusted to deliver. */
  wakeAll(outcome: WaitOutcome): void {
    for (const slot of [...this.#bySlot.keys()]) this.wake(slot, outcome);
  }

  /** Answers every parked request and refuses new ones (SIGTERM). */
  close(): void {
    this.#closed = true;
    this.wakeAll('shutdown');
  }
}

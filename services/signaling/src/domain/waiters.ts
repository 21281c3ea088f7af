export type WaitOutcome = 'woken' | 'timeout' | 'client_gone' | 'shutdown' | 'recheck';

interface Waiter<D> {
  settle(outcome: WaitOutcome, detail?: D): void;
}

export interface Parked<D> {
  outcome: Promise<WaitOutcome>;
  /** What the wake-up carried, if anything (e.g. what lets the woken read see the write). */
  detail(): D | undefined;
  /** Leaves the registry without waking anyone else on the slot. */
  cancel(): void;
}

/**
 * Long-poll requests parked until an event names their SDP slot. Waiting costs a timer and a
 * set entry, never a store read; the slot's store read happens only when woken.
 */
export class WaiterRegistry<D = never> {
  readonly #bySlot = new Map<string, Set<Waiter<D>>>();
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
  park(slot: string, timeoutMs: number, signal: AbortSignal): Parked<D> {
    if (this.#closed) return { outcome: Promise.resolve('shutdown'), detail: () => undefined, cancel: () => {} };
    if (signal.aborted) return { outcome: Promise.resolve('client_gone'), detail: () => undefined, cancel: () => {} };
    let self: Waiter<D> | undefined;
    let wokenWith: D | undefined;
    const outcome = new Promise<WaitOutcome>((resolve) => {
      let set = this.#bySlot.get(slot);
      if (set === undefined) {
        set = new Set();
        this.#bySlot.set(slot, set);
      }
      const slotSet = set;
      const onAbort = () => waiter.settle('client_gone');
      const timer = setTimeout(() => waiter.settle('timeout'), timeoutMs);
      const waiter: Waiter<D> = {
        settle: (outcome, detail) => {
          if (!slotSet.delete(waiter)) return;
          wokenWith = detail;
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
    return { outcome, detail: () => wokenWith, cancel: () => self?.settle('recheck') };
  }

  wake(slot: string, outcome: WaitOutcome = 'woken', detail?: D): void {
    const set = this.#bySlot.get(slot);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter.settle(outcome, detail);
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

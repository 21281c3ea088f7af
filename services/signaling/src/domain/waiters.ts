import { performance } from 'node:perf_hooks';
import { ExpiryHeap } from './expiry-heap.ts';

export type WaitOutcome = 'woken' | 'timeout' | 'client_gone' | 'shutdown' | 'recheck';

/**
 * The client of a waiting request, as much as a waiter needs of it: whether it left, and one
 * callback for when it leaves. An AbortSignal is one; the GET handler passes a plain object,
 * since an AbortController with its listener cost each waiting request about half a kilobyte.
 */
export interface ClientLine {
  readonly aborted: boolean;
  onabort: ((this: never, event: never) => unknown) | null;
}

export interface Parked<D> {
  readonly outcome: Promise<WaitOutcome>;
  /** What the wake-up carried, if anything (e.g. what lets the woken read see the write). */
  readonly detail: D | undefined;
  /** Leaves the registry without waking anyone else on the slot. */
  cancel(): void;
}

const settledWith = <D>(outcome: WaitOutcome): Parked<D> => ({ outcome: Promise.resolve(outcome), detail: undefined, cancel: () => {} });

/** One parked request: an entry of its slot's set and of the expiry heap, until settled. */
class Waiter<D> implements Parked<D> {
  readonly slot: string;
  readonly due: number;
  heapIndex = -1;
  detail: D | undefined;
  readonly outcome: Promise<WaitOutcome>;
  readonly #resolve: (outcome: WaitOutcome) => void;
  readonly #registry: WaiterRegistry<D>;
  readonly #client: ClientLine;

  constructor(registry: WaiterRegistry<D>, slot: string, due: number, client: ClientLine) {
    this.#registry = registry;
    this.slot = slot;
    this.due = due;
    this.#client = client;
    const { promise, resolve } = Promise.withResolvers<WaitOutcome>();
    this.outcome = promise;
    this.#resolve = resolve;
    client.onabort = () => registry.settle(this, 'client_gone');
  }

  cancel(): void {
    this.#registry.settle(this, 'recheck');
  }

  /** Called once, by the registry, after it let go of this waiter. */
  resolve(outcome: WaitOutcome, detail: D | undefined): void {
    this.detail = detail;
    this.#client.onabort = null;
    this.#resolve(outcome);
  }
}

/**
 * Long-poll requests parked until an event names their SDP slot. Waiting costs an entry under its
 * slot and a place in one expiry heap, never a store read; the slot's store read happens only when woken.
 * One timer, armed for the earliest deadline, serves every waiter.
 */
export class WaiterRegistry<D = never> {
  /** A slot's waiter, or its set when several wait on it (most slots have one: a set each cost ~170 bytes). */
  readonly #bySlot = new Map<string, Waiter<D> | Set<Waiter<D>>>();
  readonly #expiries = new ExpiryHeap<Waiter<D>>();
  #timer: NodeJS.Timeout | undefined;
  #timerDue = Number.POSITIVE_INFINITY;
  #closed = false;

  get size(): number {
    return this.#expiries.size;
  }

  /**
   * Parks until `wake(slot)`, the timeout, the client leaving or shutdown. Registration happens
   * synchronously, so a caller that registers and then reads the store cannot miss a wake-up for
   * a write that lands in between.
   */
  park(slot: string, timeoutMs: number, client: ClientLine): Parked<D> {
    if (this.#closed) return settledWith('shutdown');
    if (client.aborted) return settledWith('client_gone');
    const waiter = new Waiter<D>(this, slot, performance.now() + timeoutMs, client);
    const present = this.#bySlot.get(slot);
    if (present === undefined) this.#bySlot.set(slot, waiter);
    else if (present instanceof Set) present.add(waiter);
    else this.#bySlot.set(slot, new Set([present, waiter]));
    this.#expiries.push(waiter);
    if (waiter.due < this.#timerDue) this.#arm(waiter.due);
    return waiter;
  }

  /** Takes the waiter out and answers it; a waiter already settled is left alone. */
  settle(waiter: Waiter<D>, outcome: WaitOutcome, detail?: D): void {
    if (waiter.heapIndex < 0) return;
    this.#expiries.remove(waiter);
    const present = this.#bySlot.get(waiter.slot);
    if (present === waiter || (present instanceof Set && present.delete(waiter) && present.size === 0)) this.#bySlot.delete(waiter.slot);
    // The timer stays armed when the last waiter leaves: it finds nothing due and the next waiter
    // (due later, as a wait of the same length always is) needs no new one. Re-arming for each
    // waiter made a Timeout and, for each new delay in ms, a timer list that Node keeps until that
    // delay runs out: per handshake, a kilobyte that outlived young collections.
    waiter.resolve(outcome, detail);
  }

  wake(slot: string, outcome: WaitOutcome = 'woken', detail?: D): void {
    const present = this.#bySlot.get(slot);
    if (present === undefined) return;
    for (const waiter of present instanceof Set ? [...present] : [present]) this.settle(waiter, outcome, detail);
  }

  /** Wakes everyone: used to re-check the store when the bus cannot be trusted to deliver. */
  wakeAll(outcome: WaitOutcome): void {
    for (const slot of [...this.#bySlot.keys()]) this.wake(slot, outcome);
  }

  /** Answers every parked request and refuses new ones (SIGTERM). */
  close(): void {
    this.#closed = true;
    this.wakeAll('shutdown');
    this.#disarm();
  }

  #arm(due: number): void {
    clearTimeout(this.#timer);
    this.#timerDue = due;
    // Unref'd: an armed timer with nobody waiting must not keep the process alive.
    this.#timer = setTimeout(this.#expire, Math.max(1, Math.ceil(due - performance.now()))).unref();
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
  }

  /** Times out every waiter now due, then waits for the next one (the timer may fire a little early). */
  readonly #expire = (): void => {
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    const now = performance.now();
    for (let first = this.#expiries.peek(); first !== undefined && first.due <= now; first = this.#expiries.peek()) this.settle(first, 'timeout');
    const next = this.#expiries.peek();
    if (next !== undefined) this.#arm(next.due);
  };
}

import type { BusStatus } from '../../ports/broadcasts.ts';

/** The bus status with change notification; listeners hear transitions only, never repeats. */
export class StatusSignal {
  readonly #listeners = new Set<(status: BusStatus) => void>();
  #status: BusStatus;

  constructor(initial: BusStatus) {
    this.#status = initial;
  }

  get(): BusStatus {
    return this.#status;
  }

  /** True when this was a transition. */
  set(status: BusStatus): boolean {
    if (status === this.#status) return false;
    this.#status = status;
    for (const listener of [...this.#listeners]) listener(status);
    return true;
  }

  onChange(listener: (status: BusStatus) => void): () => void {
    const own = (status: BusStatus) => listener(status);
    this.#listeners.add(own);
    return () => this.#listeners.delete(own);
  }

  /** Ends notifications, e.g. on close, leaving the status at `final`. */
  silence(final: BusStatus): void {
    this.#listeners.clear();
    this.#status = final;
  }
}

import { randomUUID } from 'node:crypto';
import { uncounted, type CountWakeup } from './wakeup-counts.ts';
import { WakeupHandlers } from './wakeup-handlers.ts';
import type { WakeupHint, Wakeups } from './wakeups.ts';

/**
 * Wake-ups inside one process, which is one replica: a hint to its own address goes to its own
 * handlers; any other address belonged to a replica that is not in this process (a previous run's,
 * on a slot a persistent store kept) and is dropped.
 */
export class InProcessWakeups implements Wakeups {
  readonly address = `in-process-${randomUUID()}`;
  readonly #handlers = new WakeupHandlers();
  readonly #count: CountWakeup;
  #closed = false;

  constructor(count: CountWakeup = uncounted) {
    this.#count = count;
  }

  async wake(addresses: readonly string[], hint: WakeupHint): Promise<void> {
    for (const address of addresses) {
      if (address !== this.address) this.#count('crossed', 'dropped');
      else if (this.#closed) this.#count('local', 'dropped');
      else {
        await this.#handlers.deliver([hint]);
        this.#count('local', 'delivered');
      }
    }
  }

  onWake(handler: (hint: WakeupHint) => void | Promise<void>): () => void {
    return this.#handlers.add(handler);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
  }
}

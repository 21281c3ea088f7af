import type { Broadcasts, BusStatus, EventEnvelope } from '../../ports/broadcasts.ts';

/**
 * Broadcasts inside one process, which is one replica: every subscriber gets every broadcast, the
 * publisher's own included. Delivery is deferred to a microtask per subscriber so publishers never
 * run subscriber code on their own stack and one failing subscriber cannot keep the event from the
 * others. Subscribers share one frozen copy.
 */
export class InProcessBroadcasts implements Broadcasts {
  readonly #handlers = new Set<(event: EventEnvelope) => void>();

  async publish(event: EventEnvelope): Promise<void> {
    const copy = Object.freeze({ ...event, data: Object.freeze({ ...event.data }) });
    for (const handler of this.#handlers) queueMicrotask(() => handler(copy));
  }

  subscribe(handler: (event: EventEnvelope) => void): () => void {
    const own = (event: EventEnvelope) => handler(event);
    this.#handlers.add(own);
    return () => this.#handlers.delete(own);
  }

  status(): BusStatus {
    return 'up';
  }

  onStatusChange(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}

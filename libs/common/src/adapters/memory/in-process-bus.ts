import { randomUUID } from 'node:crypto';
import type { BusStatus, EventBus, EventEnvelope, SendOutcome } from '../../ports/event-bus.ts';

/**
 * Events inside one process, which is one replica with one inbox: every subscriber gets every
 * broadcast, the publisher's own included, and every message sent to this inbox. Delivery is
 * deferred to a microtask per subscriber so publishers never run subscriber code on their own
 * stack and one failing subscriber cannot keep the event from the others. Subscribers share one
 * frozen copy.
 */
export class InProcessBus implements EventBus {
  readonly #handlers = new Set<(event: EventEnvelope) => void>();
  readonly address = `in-process-${randomUUID()}`;

  async publish(event: EventEnvelope): Promise<void> {
    const copy = Object.freeze({ ...event, data: Object.freeze({ ...event.data }) });
    for (const handler of this.#handlers) queueMicrotask(() => handler(copy));
  }

  /** Any other address belonged to a replica that is not in this process: gone. */
  async send(address: string, event: EventEnvelope): Promise<SendOutcome> {
    if (address !== this.address) return 'gone';
    await this.publish(event);
    return 'sent';
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

import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';

/** Service Bus entity names this adapter creates (letters, digits, '.', '-', '_'); anything else is no inbox of ours. */
const INBOX_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$/;

/**
 * One sender link per remote inbox, reused across messages (a link attach costs a round trip and
 * CPU; a cluster has few replicas). Bounded: the least recently used link is closed beyond `max`.
 */
export class InboxSenders {
  readonly #client: ServiceBusClient;
  readonly #max: number;
  readonly #senders = new Map<string, ServiceBusSender>();

  constructor(client: ServiceBusClient, max = 64) {
    this.#client = client;
    this.#max = max;
  }

  /** The sender for `address`, or undefined when it cannot name an inbox. */
  get(address: string): ServiceBusSender | undefined {
    if (!INBOX_NAME.test(address)) return undefined;
    let sender = this.#senders.get(address);
    if (sender !== undefined) {
      this.#senders.delete(address);
    } else {
      sender = this.#client.createSender(address);
      if (this.#senders.size >= this.#max) this.drop(this.#senders.keys().next().value!);
    }
    this.#senders.set(address, sender);
    return sender;
  }

  /** Forgets (and closes) the link to an inbox that no longer exists. */
  drop(address: string): void {
    const sender = this.#senders.get(address);
    this.#senders.delete(address);
    void sender?.close().catch(() => {});
  }

  async close(): Promise<void> {
    const senders = [...this.#senders.values()];
    this.#senders.clear();
    await Promise.all(senders.map((sender) => sender.close().catch(() => {})));
  }
}

import { InProcessBus } from '@signal/common/adapters/memory/in-process-bus';
import type { EventEnvelope, SendOutcome } from '@signal/common/ports/event-bus';

/**
 * Several replicas' buses inside one test process: broadcasts reach every bus, a send reaches the
 * one bus with that address (or is `gone`). `rewrite` alters every delivered event, e.g. to take
 * the consistency token off wake-ups as the bus did before read-your-writes.
 */
export class LoopbackNetwork {
  readonly #buses = new Map<string, LoopbackBus>();
  readonly rewrite: (event: EventEnvelope) => EventEnvelope;
  /** Messages sent and delivered, as a broker would count them. */
  sent = 0;
  received = 0;

  constructor(rewrite: (event: EventEnvelope) => EventEnvelope = (event) => event) {
    this.rewrite = rewrite;
  }

  bus(address: string): LoopbackBus {
    const bus = new LoopbackBus(this, address);
    this.#buses.set(address, bus);
    return bus;
  }

  /** The replica is gone: its address reaches nobody any more. */
  remove(address: string): void {
    this.#buses.delete(address);
  }

  deliver(address: string | undefined, event: EventEnvelope): boolean {
    const targets = address === undefined ? [...this.#buses.values()] : [this.#buses.get(address)].filter((bus) => bus !== undefined);
    if (targets.length === 0) return false;
    this.sent += 1;
    const delivered = this.rewrite(event);
    for (const bus of targets) {
      this.received += 1;
      bus.receive(delivered);
    }
    return true;
  }
}

/** One replica's bus on the network: the in-process bus, with its broadcasts and sends routed by the network. */
export class LoopbackBus extends InProcessBus {
  override readonly address: string;
  readonly #network: LoopbackNetwork;

  constructor(network: LoopbackNetwork, address: string) {
    super();
    this.#network = network;
    this.address = address;
  }

  override async publish(event: EventEnvelope): Promise<void> {
    this.#network.deliver(undefined, event);
  }

  override async send(address: string, event: EventEnvelope): Promise<SendOutcome> {
    return this.#network.deliver(address, event) ? 'sent' : 'gone';
  }

  /** Hands a delivered event to this replica's handlers. */
  receive(event: EventEnvelope): void {
    void super.publish(event);
  }
}

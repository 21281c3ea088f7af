import { WakeupHandlers } from '@signal/signaling/wakeups/wakeup-handlers';
import type { WakeupHint, Wakeups } from '@signal/signaling/wakeups/wakeups';

/**
 * Several replicas' wake-ups inside one test process: a hint reaches the replica with that address
 * (or is dropped). `rewrite` alters every delivered hint, e.g. to take the consistency token off
 * as wake-ups did before read-your-writes.
 */
export class LoopbackNetwork {
  readonly #replicas = new Map<string, LoopbackWakeups>();
  readonly rewrite: (hint: WakeupHint) => WakeupHint;
  /** Hints delivered to another replica, and hints to an address nobody has. */
  delivered = 0;
  dropped = 0;

  constructor(rewrite: (hint: WakeupHint) => WakeupHint = (hint) => hint) {
    this.rewrite = rewrite;
  }

  wakeups(address: string): LoopbackWakeups {
    const wakeups = new LoopbackWakeups(this, address);
    this.#replicas.set(address, wakeups);
    return wakeups;
  }

  /** The replica is gone: its address reaches nobody any more. */
  remove(address: string): void {
    this.#replicas.delete(address);
  }

  async deliver(address: string, hint: WakeupHint): Promise<void> {
    const target = this.#replicas.get(address);
    if (target === undefined) {
      this.dropped += 1;
      return;
    }
    this.delivered += 1;
    await target.receive(this.rewrite(hint));
  }
}

/** One replica's wake-ups on the network. */
export class LoopbackWakeups implements Wakeups {
  readonly address: string;
  readonly #network: LoopbackNetwork;
  readonly #handlers = new WakeupHandlers();

  constructor(network: LoopbackNetwork, address: string) {
    this.#network = network;
    this.address = address;
  }

  async wake(addresses: readonly string[], hint: WakeupHint): Promise<void> {
    await Promise.all(addresses.map((address) => this.#network.deliver(address, hint)));
  }

  onWake(handler: (hint: WakeupHint) => void | Promise<void>): () => void {
    return this.#handlers.add(handler);
  }

  receive(hint: WakeupHint): Promise<void> {
    return this.#handlers.deliver([hint]);
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}

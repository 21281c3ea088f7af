import type { Clock } from '../../clock.ts';
import type { BusStatus, EventBus, EventEnvelope, SendOutcome } from '../../ports/event-bus.ts';
import { parsePeerAddress, PeerLinks } from './peer-links.ts';
import { WakeupListener } from './wakeup-listener.ts';

export interface DirectWakeupBusOptions {
  /** Carries the broadcasts (session revocations) and decides the bus status, as before. */
  broadcasts: EventBus;
  /** WAKEUP_PORT, listened on at `listenHost`; 0 picks a free one. */
  port: number;
  listenHost: string;
  /** WAKEUP_HOST: how other replicas reach this one (the pod IP in a cluster). */
  advertiseHost: string;
  /** WAKEUP_SECRET, shared by every signaling replica: the first signs frames, every one is accepted (rotation). */
  secrets: readonly string[];
  clock: Clock;
  /** How long a first wake-up to a peer waits for its connection before the peer counts as gone. */
  connectTimeoutMs?: number;
  /** A refused frame or connection (reason and remote address, never the payload). */
  onRejected: (reason: string, remote: string) => void;
}

/**
 * Directed wake-ups straight to the waiting replica over one authenticated TCP connection per
 * peer, broadcasts through the wrapped bus. A crossing wake-up then costs a socket write and a
 * read instead of an AMQP send, its acknowledgement and a receive through the broker (see
 * docs/architecture.md). Addresses that are not `host:port` (a Service Bus inbox written by a
 * replica still on broker wake-ups) go through the wrapped bus, so the two kinds of replica
 * can run side by side during a switch.
 */
export class DirectWakeupBus implements EventBus {
  readonly #broadcasts: EventBus;
  readonly #listener: WakeupListener;
  readonly #links: PeerLinks;
  readonly #address: string;
  readonly #handlers: Set<(event: EventEnvelope) => void>;
  #closing: Promise<void> | undefined;

  static async start(options: DirectWakeupBusOptions): Promise<DirectWakeupBus> {
    const keys = options.secrets.map((secret) => Buffer.from(secret, 'utf8'));
    const signing = keys[0];
    if (signing === undefined) throw new Error('direct wake-ups need at least one secret');
    const handlers = new Set<(event: EventEnvelope) => void>();
    const listener = await WakeupListener.start({
      port: options.port,
      host: options.listenHost,
      keys,
      clock: options.clock,
      onEvent: (event) => {
        for (const handler of [...handlers]) handler(event);
      },
      onRejected: options.onRejected,
    });
    const host = options.advertiseHost.includes(':') ? `[${options.advertiseHost}]` : options.advertiseHost;
    return new DirectWakeupBus(options.broadcasts, handlers, listener, new PeerLinks(signing, options.connectTimeoutMs ?? 2_000), `${host}:${listener.port}`);
  }

  private constructor(broadcasts: EventBus, handlers: Set<(event: EventEnvelope) => void>, listener: WakeupListener, links: PeerLinks, address: string) {
    this.#broadcasts = broadcasts;
    this.#handlers = handlers;
    this.#listener = listener;
    this.#links = links;
    this.#address = address;
  }

  get address(): string {
    return this.#address;
  }

  publish(event: EventEnvelope): Promise<void> {
    return this.#broadcasts.publish(event);
  }

  send(address: string, event: EventEnvelope): Promise<SendOutcome> {
    return parsePeerAddress(address) === undefined ? this.#broadcasts.send(address, event) : this.#links.send(address, event);
  }

  subscribe(handler: (event: EventEnvelope) => void): () => void {
    const own = (event: EventEnvelope) => handler(event);
    this.#handlers.add(own);
    const unsubscribe = this.#broadcasts.subscribe(own);
    return () => {
      this.#handlers.delete(own);
      unsubscribe();
    };
  }

  status(): BusStatus {
    return this.#broadcasts.status();
  }

  onStatusChange(listener: (status: BusStatus) => void): () => void {
    return this.#broadcasts.onStatusChange(listener);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#handlers.clear();
      this.#links.close();
      await this.#listener.close();
      await this.#broadcasts.close();
    })();
    return this.#closing;
  }
}

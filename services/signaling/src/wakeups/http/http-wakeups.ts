import type { Clock } from '@signal/common/clock';
import { uncounted, type CountWakeup } from '../wakeup-counts.ts';
import { WakeupHandlers } from '../wakeup-handlers.ts';
import type { WakeupHint, Wakeups } from '../wakeups.ts';
import { isHint } from './hint-batch.ts';
import { PeerChannels } from './peer-channels.ts';
import { formatAddress, newInstance } from './wakeup-address.ts';
import { signRequest } from './wakeup-mac.ts';
import { WakeupServer, type RefusalReason } from './wakeup-server.ts';

export interface HttpWakeupsOptions {
  /** WAKEUP_PORT, listened on at `listenHost`; 0 picks a free one. */
  port: number;
  listenHost: string;
  /** WAKEUP_HOST: how other replicas reach this one (the pod IP in a cluster). */
  advertiseHost: string;
  /** WAKEUP_SECRET, shared by every signaling replica: the first signs, every one is accepted (rotation). */
  secrets: readonly string[];
  clock: Clock;
  count?: CountWakeup;
  onRefused(reason: RefusalReason, remote: string): void;
}

/**
 * Wake-ups between signaling replicas over HTTP: each replica runs a small `node:http` server for
 * the hints meant for it and reaches every peer through one bounded undici Pool. A hint to its
 * own address never leaves the process.
 */
export class HttpWakeups implements Wakeups {
  readonly address: string;
  readonly #handlers: WakeupHandlers;
  readonly #server: WakeupServer;
  readonly #peers: PeerChannels;
  readonly #count: CountWakeup;
  #closing: Promise<void> | undefined;

  static async start(options: HttpWakeupsOptions): Promise<HttpWakeups> {
    const keys = options.secrets.map((secret) => Buffer.from(secret, 'utf8'));
    const signing = keys[0];
    if (signing === undefined) throw new Error('wake-ups between replicas need at least one secret');
    const instance = newInstance();
    const handlers = new WakeupHandlers();
    // The address holds the port the server got, so the server learns its own address after listening.
    let self = '';
    const server = await WakeupServer.start({
      port: options.port,
      host: options.listenHost,
      get self() {
        return self;
      },
      keys,
      clock: options.clock,
      handlers,
      onRefused: options.onRefused,
    });
    self = formatAddress(instance, options.advertiseHost, server.port);
    const peers = new PeerChannels((to, body) => signRequest(signing, to, body, options.clock.now()));
    return new HttpWakeups(self, handlers, server, peers, options.count ?? uncounted);
  }

  private constructor(address: string, handlers: WakeupHandlers, server: WakeupServer, peers: PeerChannels, count: CountWakeup) {
    this.address = address;
    this.#handlers = handlers;
    this.#server = server;
    this.#peers = peers;
    this.#count = count;
  }

  async wake(addresses: readonly string[], hint: WakeupHint): Promise<void> {
    await Promise.all(
      addresses.map(async (address) => {
        if (address === this.address) {
          if (this.#closing === undefined) await this.#handlers.deliver([hint]);
          this.#count('local', this.#closing === undefined ? 'delivered' : 'dropped');
          return;
        }
        const delivered = this.#closing === undefined && isHint(hint) && (await this.#peers.send(address, hint));
        this.#count('crossed', delivered ? 'delivered' : 'dropped');
      }),
    );
  }

  onWake(handler: (hint: WakeupHint) => void | Promise<void>): () => void {
    return this.#handlers.add(handler);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#handlers.clear();
      await Promise.all([this.#server.close(), this.#peers.close()]);
    })();
    return this.#closing;
  }
}

import type { Socket } from 'node:net';

export interface ConnectionGuardOptions {
  /** Connections held at most. */
  max: number;
  /** A connection that has not authenticated this long after it opened is closed. */
  strangerMs: number;
  /** A stranger's connection closed: to make room (`evicted`) or for taking too long (`timeout`). */
  onClosed(reason: 'evicted' | 'timeout', socket: Socket): void;
}

/**
 * Caps the wake-up port's connections without letting strangers use the cap against peers: a
 * connection counts as a peer's once it carried a request with a valid MAC. When a new
 * connection would exceed the cap, the oldest connection that never authenticated is closed to
 * make room, so idle or unauthenticated sockets can delay no peer's connection; only when every
 * connection is a peer's is the new one refused. A stranger is also closed once `strangerMs` have
 * passed since it opened, whatever it sends meanwhile: a peer authenticates on its first request,
 * at once. Closing one costs a destroy and a count, far less than Node's own header timeout (an
 * Error with its stack and a 408 written per socket), which matters when hundreds time out at once.
 */
export class ConnectionGuard {
  readonly #options: ConnectionGuardOptions;
  /** Not yet authenticated, oldest first, with the instant each opened. */
  readonly #strangers = new Map<Socket, number>();
  readonly #peers = new Set<Socket>();
  readonly #sweep: NodeJS.Timeout;

  constructor(options: ConnectionGuardOptions) {
    this.#options = options;
    this.#sweep = setInterval(() => this.#closeExpired(), Math.max(50, options.strangerMs / 8));
    this.#sweep.unref();
  }

  get size(): number {
    return this.#strangers.size + this.#peers.size;
  }

  admit(socket: Socket): void {
    socket.once('close', () => {
      this.#strangers.delete(socket);
      this.#peers.delete(socket);
    });
    if (this.size >= this.#options.max) {
      const oldest = this.#strangers.keys().next();
      if (oldest.done === true) {
        socket.destroy();
        this.#options.onClosed('evicted', socket);
        return;
      }
      this.#strangers.delete(oldest.value);
      oldest.value.destroy();
      this.#options.onClosed('evicted', oldest.value);
    }
    this.#strangers.set(socket, performance.now());
  }

  trust(socket: Socket): void {
    if (this.#strangers.delete(socket)) this.#peers.add(socket);
  }

  closeAll(): void {
    clearInterval(this.#sweep);
    for (const socket of [...this.#strangers.keys(), ...this.#peers]) socket.destroy();
  }

  #closeExpired(): void {
    const openedBefore = performance.now() - this.#options.strangerMs;
    for (const [socket, opened] of this.#strangers) {
      if (opened > openedBefore) return;
      this.#strangers.delete(socket);
      socket.destroy();
      this.#options.onClosed('timeout', socket);
    }
  }
}

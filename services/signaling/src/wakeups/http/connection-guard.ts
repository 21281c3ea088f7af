import type { Socket } from 'node:net';

/**
 * Caps the wake-up port's connections without letting strangers use the cap against peers: a
 * connection counts as a peer's once it carried a request with a valid MAC. When a new
 * connection would exceed the cap, the oldest connection that never authenticated is closed to
 * make room, so idle or unauthenticated sockets can delay no peer's connection; only when every
 * connection is a peer's is the new one refused.
 */
export class ConnectionGuard {
  readonly #max: number;
  /** Not yet authenticated, oldest first. */
  readonly #strangers = new Set<Socket>();
  readonly #peers = new Set<Socket>();
  /** Strangers closed to make room, for the refusal count. */
  readonly #onEvicted: () => void;

  constructor(max: number, onEvicted: () => void) {
    this.#max = max;
    this.#onEvicted = onEvicted;
  }

  get size(): number {
    return this.#strangers.size + this.#peers.size;
  }

  admit(socket: Socket): void {
    socket.once('close', () => {
      this.#strangers.delete(socket);
      this.#peers.delete(socket);
    });
    if (this.size >= this.#max) {
      const oldest = this.#strangers.values().next();
      if (oldest.done === true) {
        socket.destroy();
        this.#onEvicted();
        return;
      }
      this.#strangers.delete(oldest.value);
      oldest.value.destroy();
      this.#onEvicted();
    }
    this.#strangers.add(socket);
  }

  trust(socket: Socket): void {
    if (this.#strangers.delete(socket)) this.#peers.add(socket);
  }

  closeAll(): void {
    for (const socket of [...this.#strangers, ...this.#peers]) socket.destroy();
  }
}

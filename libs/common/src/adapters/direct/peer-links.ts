import { connect, type Socket } from 'node:net';
import type { EventEnvelope, SendOutcome } from '../../ports/event-bus.ts';
import { encodeFrame } from './wakeup-frames.ts';

/** `host:port`, the host a name, an IPv4 address or a bracketed IPv6 address. */
const PEER_ADDRESS = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;
/** A peer this far behind on reading is not taking wake-ups: the link is dropped, not grown. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The host and port of a peer's wake-up address, or undefined when `address` is none. */
export function parsePeerAddress(address: string): { host: string; port: number } | undefined {
  const match = PEER_ADDRESS.exec(address);
  if (!match) return undefined;
  const port = Number(match[3]);
  return port >= 1 && port <= 65_535 ? { host: (match[1] ?? match[2])!, port } : undefined;
}

interface Link {
  socket: Socket;
  /** True once connected; false when the peer could not be reached in time. */
  connected: Promise<boolean>;
}

/**
 * One TCP connection per peer replica, opened on the first wake-up for it and reused after.
 * A peer that cannot be reached (refused, unreachable, no answer within the connect timeout) is
 * `gone`, as a vanished inbox is; a broken link is forgotten and the next wake-up reconnects.
 * Bounded: the least recently used link is closed beyond `max`.
 */
export class PeerLinks {
  readonly #key: Buffer;
  readonly #connectTimeoutMs: number;
  readonly #max: number;
  readonly #links = new Map<string, Link>();

  constructor(key: Buffer, connectTimeoutMs: number, max = 64) {
    this.#key = key;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#max = max;
  }

  async send(address: string, event: EventEnvelope): Promise<SendOutcome> {
    const peer = parsePeerAddress(address);
    if (peer === undefined) return 'gone';
    const link = this.#use(address, peer);
    if (!(await link.connected) || link.socket.destroyed) return 'gone';
    if (link.socket.writableLength > MAX_BUFFERED_BYTES) {
      link.socket.destroy();
      return 'gone';
    }
    link.socket.write(encodeFrame(event, this.#key));
    return 'sent';
  }

  close(): void {
    for (const { socket } of this.#links.values()) socket.destroy();
    this.#links.clear();
  }

  #use(address: string, peer: { host: string; port: number }): Link {
    const existing = this.#links.get(address);
    this.#links.delete(address);
    const link = existing !== undefined && !existing.socket.destroyed ? existing : this.#open(address, peer);
    this.#links.set(address, link);
    if (this.#links.size > this.#max) {
      const [oldest, { socket }] = this.#links.entries().next().value!;
      this.#links.delete(oldest);
      socket.destroy();
    }
    return link;
  }

  #open(address: string, peer: { host: string; port: number }): Link {
    const socket = connect({ host: peer.host, port: peer.port, noDelay: true, keepAlive: true });
    // Peers never write back; reading keeps their (absent) data from piling up.
    socket.resume();
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.#links.get(address)?.socket === socket) this.#links.delete(address);
    });
    const connected = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, this.#connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    return { socket, connected };
  }
}

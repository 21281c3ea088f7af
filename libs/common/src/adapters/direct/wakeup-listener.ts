import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '../../clock.ts';
import { decodeEnvelope } from '../../events/decode-envelope.ts';
import type { EventEnvelope } from '../../ports/event-bus.ts';
import { FrameError, FrameReader } from './wakeup-frames.ts';

/** A wake-up published longer ago than this, or as far ahead by a skewed clock, is dropped: an inbox message's TTL. */
export const MAX_WAKEUP_AGE_MS = 60_000;
/** Peers hold one connection each; far more than any cluster's replica count. */
const MAX_CONNECTIONS = 256;

export interface WakeupListenerOptions {
  port: number;
  host: string;
  /** Frames signed with any of these are accepted. */
  keys: readonly Buffer[];
  clock: Clock;
  onEvent(event: EventEnvelope): void;
  /** A frame or connection refused, with why; never the payload. */
  onRejected(reason: string, remote: string): void;
}

/**
 * Receives directed wake-ups from other signaling replicas over TCP. Only frames authenticated
 * with the shared key are read; a connection that sends anything else is closed at once.
 */
export class WakeupListener {
  readonly #server: Server;
  readonly #options: WakeupListenerOptions;
  readonly #connections = new Set<Socket>();

  static async start(options: WakeupListenerOptions): Promise<WakeupListener> {
    const listener = new WakeupListener(options);
    await new Promise<void>((resolve, reject) => {
      listener.#server.once('error', reject);
      listener.#server.listen(options.port, options.host, () => {
        listener.#server.off('error', reject);
        resolve();
      });
    });
    return listener;
  }

  private constructor(options: WakeupListenerOptions) {
    this.#options = options;
    this.#server = createServer((socket) => this.#accept(socket));
    this.#server.maxConnections = MAX_CONNECTIONS;
  }

  /** The port listened on (the chosen one when started with 0). */
  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('wake-up listener is not listening');
    return address.port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#connections) socket.destroy();
    await closed;
  }

  #accept(socket: Socket): void {
    this.#connections.add(socket);
    socket.on('close', () => this.#connections.delete(socket));
    socket.on('error', () => {});
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const reader = new FrameReader(this.#options.keys);
    socket.on('data', (chunk: Buffer) => {
      let payloads: Buffer[];
      try {
        payloads = reader.push(chunk);
      } catch (error) {
        if (!(error instanceof FrameError)) throw error;
        this.#options.onRejected(error.message, remote);
        socket.destroy();
        return;
      }
      for (const payload of payloads) this.#read(payload, remote);
    });
  }

  /** An authenticated frame comes from a peer: a bad one is reported and skipped, the connection kept. */
  #read(payload: Buffer, remote: string): void {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.#options.onRejected('payload is not JSON', remote);
      return;
    }
    const decoded = decodeEnvelope(body);
    if (!decoded.ok) {
      this.#options.onRejected(decoded.reason, remote);
      return;
    }
    if (Math.abs(this.#options.clock.now() - decoded.event.publishedAt) > MAX_WAKEUP_AGE_MS) {
      this.#options.onRejected('published more than a minute away from now', remote);
      return;
    }
    this.#options.onEvent(decoded.event);
  }
}

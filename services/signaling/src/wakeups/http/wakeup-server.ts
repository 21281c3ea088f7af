import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '@signal/common/clock';
import { distrustTraceContextOn, trustTraceContextOn } from '@signal/common/observability/tracing';
import type { WakeupHandlers } from '../wakeup-handlers.ts';
import { ConnectionGuard } from './connection-guard.ts';
import { decodeBatch, MAX_BODY_BYTES } from './hint-batch.ts';
import { ReplayCache } from './replay-cache.ts';
import { sha256, verifyHeaders } from './wakeup-mac.ts';

export const WAKEUP_PATH = '/wakeups';

/**
 * A peer sends its headers and its few-KB body at once and authenticates on its first request.
 * A stranger's connection is closed by the ConnectionGuard 20 s after it opened, or sooner when
 * a newer connection needs its place: an idle or stalled socket costs the replica almost nothing,
 * while closing it makes an attacker reconnect (an accept, and a close, each time), so strangers
 * are left alone rather than chased. Node's header and request timeouts stay behind the guard as
 * a backstop, checked every `connectionsCheckingInterval` (30 s by default). Idle keep-alive lasts
 * longer than the client's (4 s), so the server never closes a connection a peer is about to reuse.
 */
export const SERVER_LIMITS = {
  strangerMs: 20_000,
  headersTimeout: 25_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
  /** Our headers take ~400 bytes: a sender cannot make the parser hold more. */
  maxHeaderSize: 4_096,
  maxConnections: 256,
};

export type RefusalReason =
  | 'route'
  | 'length'
  | 'malformed'
  | 'recipient'
  | 'stale'
  | 'mac'
  | 'replay'
  | 'replay_cache_full'
  | 'body'
  | 'timeout'
  | 'protocol'
  | 'evicted';

export interface WakeupServerOptions {
  port: number;
  host: string;
  /** This replica's wake-up address, which every MAC it accepts covers. */
  self: string;
  /** Requests signed with any of these are accepted. */
  keys: readonly Buffer[];
  clock: Clock;
  handlers: WakeupHandlers;
  /** A request or connection refused, with why; never its content. */
  onRefused(reason: RefusalReason, remote: string): void;
}

const remoteOf = (socket: Socket) => `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;

/**
 * Takes batches of hints from other signaling replicas: `POST /wakeups`, answered 204 once its
 * hints were handed to this replica's handlers. Everything that can be judged from the headers
 * (route, declared length, MAC, recipient, freshness, nonce) is judged before the body is read,
 * and a refused request's body is never read, so a sender without the secret gets the server to
 * hold no more than its headers.
 */
export class WakeupServer {
  readonly #server: Server;
  readonly #options: WakeupServerOptions;
  readonly #replays = new ReplayCache();
  readonly #guard: ConnectionGuard;
  /** Strangers' connections held stalled after a refusal: their eventual close is not a second one. */
  readonly #held = new WeakSet<Socket>();

  static async start(options: WakeupServerOptions): Promise<WakeupServer> {
    const server = new WakeupServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(options.port, options.host, () => {
        server.#server.off('error', reject);
        // Peers' traceparent keeps a cross-replica wake-up in its poster's trace.
        trustTraceContextOn(server.port);
        resolve();
      });
    });
    return server;
  }

  private constructor(options: WakeupServerOptions) {
    this.#options = options;
    const { maxConnections, strangerMs, ...limits } = SERVER_LIMITS;
    this.#server = createServer({ ...limits, noDelay: true }, (request, response) => void this.#handle(request, response));
    this.#guard = new ConnectionGuard({
      max: maxConnections,
      strangerMs,
      onClosed: (reason, socket) => {
        if (!this.#held.has(socket)) options.onRefused(reason, 'a stranger');
      },
    });
    this.#server.on('connection', (socket: Socket) => this.#guard.admit(socket));
    this.#server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code !== 'ECONNRESET' && !this.#held.has(socket)) options.onRefused(error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'timeout' : 'protocol', remoteOf(socket));
      socket.destroy();
    });
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('wake-up server is not listening');
    return address.port;
  }

  async close(): Promise<void> {
    const address = this.#server.address();
    if (address !== null && typeof address !== 'string') distrustTraceContextOn(address.port);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#guard.closeAll();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { clock, keys, self, handlers } = this.#options;
    if (request.url !== WAKEUP_PATH || request.method !== 'POST') return this.#holdStranger(request, 404, 'route');
    const length = Number(request.headers['content-length']);
    if (request.headers['transfer-encoding'] !== undefined || !Number.isInteger(length) || length < 1 || length > MAX_BODY_BYTES) {
      return this.#holdStranger(request, 413, 'length');
    }
    const now = clock.now();
    const verdict = verifyHeaders(keys, self, request.headers, now);
    if (!verdict.ok) {
      if (verdict.reason === 'mac' || verdict.reason === 'malformed') return this.#holdStranger(request, 401, verdict.reason);
      return this.#refusePeer(request, response, verdict.reason === 'recipient' ? 421 : 401, verdict.reason);
    }
    const admitted = this.#replays.admit(verdict.nonce, verdict.timestamp, now);
    if (admitted !== 'fresh') return this.#refusePeer(request, response, admitted === 'replay' ? 401 : 503, admitted === 'replay' ? 'replay' : 'replay_cache_full');
    this.#guard.trust(request.socket);
    const body = await readBody(request, length);
    if (body === undefined) return;
    const hints = sha256(body) === verdict.bodyHash ? decodeBatch(body) : undefined;
    if (hints === undefined) return this.#refusePeer(request, response, 400, 'body');
    await handlers.deliver(hints);
    response.writeHead(204).end();
  }

  /**
   * A request signed with the secret but not acceptable here (misdirected, stale, replayed, bad
   * body): answered and closed at once, so the peer counts it dropped without waiting.
   */
  #refusePeer(request: IncomingMessage, response: ServerResponse, status: number, reason: RefusalReason): void {
    this.#options.onRefused(reason, remoteOf(request.socket));
    request.socket.pause();
    response.writeHead(status, { connection: 'close', 'content-length': 0 }).end();
    request.socket.destroy();
  }

  /**
   * A request from someone without the secret: told its status once, then never read again. The
   * connection stays open, stalled, until the guard closes it (20 s after it opened, or sooner to
   * make room), so a slow or repeating sender makes this replica read nothing more and costs it
   * no new connection for a while; closing at once would let it reconnect and send again.
   */
  #holdStranger(request: IncomingMessage, status: number, reason: RefusalReason): void {
    const socket = request.socket;
    this.#options.onRefused(reason, remoteOf(socket));
    this.#held.add(socket);
    socket.pause();
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  }
}

/** The body, whose declared length was checked already; undefined when the sender left first. */
function readBody(request: IncomingMessage, length: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
    });
    request.once('end', () => resolve(size === length ? Buffer.concat(chunks, size) : undefined));
    request.once('close', () => resolve(undefined));
  });
}

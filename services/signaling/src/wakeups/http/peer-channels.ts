import { Pool } from 'undici';
import { injectTraceparent, withSpan } from '@signal/common/observability/tracing';
import type { WakeupHint } from '../wakeups.ts';
import { encodeBatch, MAX_BODY_BYTES, MAX_HINTS_PER_REQUEST } from './hint-batch.ts';
import { WAKEUP_PATH } from './wakeup-server.ts';
import { parseAddress } from './wakeup-address.ts';

/**
 * Per peer: at most this many connections (and requests in flight). Hints that arrive while all
 * are busy wait and leave together in the next request, so a busy peer gets fewer, larger requests.
 */
const CONNECTIONS_PER_PEER = 4;
/** Peers reached recently; the least recently used beyond this is closed. A cluster has far fewer replicas. */
const MAX_PEERS = 64;
/**
 * A peer answers once its handlers took the hints (a store read at most): one not answering in
 * this time is counted dropped, and its waiter re-checks the store on its fallback timer.
 */
const POOL_OPTIONS = {
  connections: CONNECTIONS_PER_PEER,
  pipelining: 1,
  keepAliveTimeout: 4_000,
  headersTimeout: 2_000,
  bodyTimeout: 2_000,
  connect: { timeout: 1_000 },
} as const;

export type Sign = (to: string, body: Buffer) => Record<string, string>;

interface Pending {
  hint: WakeupHint;
  settle: (delivered: boolean) => void;
}

/** One peer's queue of hints on one undici Pool. */
class PeerChannel {
  readonly #address: string;
  readonly #pool: Pool;
  readonly #sign: Sign;
  readonly #pending: Pending[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(address: string, origin: string, sign: Sign) {
    this.#address = address;
    this.#pool = new Pool(origin, POOL_OPTIONS);
    this.#sign = sign;
  }

  send(hint: WakeupHint): Promise<boolean> {
    return new Promise((settle) => {
      this.#pending.push({ hint, settle });
      if (this.#scheduled) return;
      // Hints woken by the same write are queued in one turn: they leave in one request.
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        this.#flush();
      });
    });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  #flush(): void {
    while (this.#pending.length > 0 && this.#inFlight < CONNECTIONS_PER_PEER) {
      const batch = this.#pending.splice(0, MAX_HINTS_PER_REQUEST);
      this.#inFlight += 1;
      void this.#post(batch.map((pending) => pending.hint)).then((delivered) => {
        for (const pending of batch) pending.settle(delivered);
        this.#inFlight -= 1;
        this.#flush();
      });
    }
  }

  /** True once the peer answered 204; any other answer, an error or a timeout is a drop. */
  async #post(hints: readonly WakeupHint[]): Promise<boolean> {
    const body = encodeBatch(hints);
    if (body.length > MAX_BODY_BYTES) {
      if (hints.length === 1) return false;
      const half = Math.ceil(hints.length / 2);
      const [first, second] = await Promise.all([this.#post(hints.slice(0, half)), this.#post(hints.slice(half))]);
      return first && second;
    }
    return withSpan('wakeup send', { 'signal.wakeup.hints': hints.length }, async (span) => {
      const traceparent = injectTraceparent();
      const headers = { 'content-type': 'application/json', ...this.#sign(this.#address, body), ...(traceparent === undefined ? {} : { traceparent }) };
      try {
        const response = await this.#pool.request({ method: 'POST', path: WAKEUP_PATH, headers, body });
        await response.body.dump();
        span.setAttribute('http.response.status_code', response.statusCode);
        return response.statusCode === 204;
      } catch {
        return false;
      }
    }, 'client');
  }
}

/** The peers this replica wakes, each on its own pool; bounded, least recently used closed first. */
export class PeerChannels {
  readonly #sign: Sign;
  readonly #channels = new Map<string, PeerChannel>();

  constructor(sign: Sign) {
    this.#sign = sign;
  }

  /** Whether the peer at `address` acknowledged `hint`; false at once for what is no wake-up address. */
  async send(address: string, hint: WakeupHint): Promise<boolean> {
    const channel = this.#channel(address);
    return channel === undefined ? false : channel.send(hint);
  }

  async close(): Promise<void> {
    const channels = [...this.#channels.values()];
    this.#channels.clear();
    await Promise.all(channels.map((channel) => channel.close()));
  }

  #channel(address: string): PeerChannel | undefined {
    const known = this.#channels.get(address);
    if (known !== undefined) {
      this.#channels.delete(address);
      this.#channels.set(address, known);
      return known;
    }
    const peer = parseAddress(address);
    if (peer === undefined) return undefined;
    const channel = new PeerChannel(address, `http://${peer.host}:${peer.port}`, this.#sign);
    this.#channels.set(address, channel);
    if (this.#channels.size > MAX_PEERS) {
      const [oldest, evicted] = this.#channels.entries().next().value!;
      this.#channels.delete(oldest);
      void evicted.close();
    }
    return channel;
  }
}

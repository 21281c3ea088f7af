import type { Clock } from '@signal/common/clock';
import type { Metrics } from '@signal/common/observability/metrics';
import type { SdpRecord, SdpType } from '../store/sdp-store.ts';

const MAX_TRACKED = 100_000;

/**
 * Measures offer stored -> answer read by the offerer without store reads or bus traffic: the
 * replica that stores an offer remembers when, and observes the handshake when it also serves the
 * offerer's answer read. A client's requests usually share one keep-alive connection, hence one
 * replica; a handshake whose two requests land on different replicas is not observed (sampling,
 * never a wrong duration). Entries are bounded in number and age.
 */
export class HandshakeTimer {
  readonly #offeredAt = new Map<string, number>();
  readonly #clock: Clock;
  readonly #metrics: Metrics;
  readonly #maxAgeMs: number;

  constructor(clock: Clock, metrics: Metrics, maxAgeMs: number) {
    this.#clock = clock;
    this.#metrics = metrics;
    this.#maxAgeMs = maxAgeMs;
  }

  /** An SDP was stored on this replica. */
  posted(record: SdpRecord): void {
    if (record.type !== 'offer') return;
    const key = `${record.room}|${record.from}|${record.to}`;
    this.#offeredAt.delete(key);
    this.#offeredAt.set(key, record.createdAt);
    if (this.#offeredAt.size > MAX_TRACKED) this.#evictOldest();
  }

  /** SDPs between the two peers were expired: after offers, a later answer belongs to a new handshake. */
  expired(room: string, type: SdpType, a: string, b: string): void {
    if (type !== 'offer') return;
    this.#offeredAt.delete(`${room}|${a}|${b}`);
    this.#offeredAt.delete(`${room}|${b}|${a}`);
  }

  /** The offerer read the answer its peer sent. */
  answerRead(room: string, offerer: string, answerer: string): void {
    const key = `${room}|${offerer}|${answerer}`;
    const offeredAt = this.#offeredAt.get(key);
    if (offeredAt === undefined) return;
    this.#offeredAt.delete(key);
    const elapsed = this.#clock.now() - offeredAt;
    if (elapsed >= 0 && elapsed <= this.#maxAgeMs) this.#metrics.handshakeDuration.observe(elapsed / 1000);
  }

  #evictOldest(): void {
    const oldest = this.#offeredAt.keys().next();
    if (!oldest.done) this.#offeredAt.delete(oldest.value);
  }
}

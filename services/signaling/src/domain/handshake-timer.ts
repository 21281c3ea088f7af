import type { Clock } from '@signal/common/clock';
import type { EventHub } from '@signal/common/events/event-hub';
import type { Metrics } from '@signal/common/observability/metrics';

const MAX_TRACKED = 100_000;

/**
 * Measures offer stored -> answer read by the offerer without extra store reads: every replica
 * sees every sdp.posted event, so whichever replica serves the answer knows when the offer was
 * posted. Entries are bounded in number and age.
 */
export class HandshakeTimer {
  readonly #offeredAt = new Map<string, number>();
  readonly #clock: Clock;
  readonly #metrics: Metrics;
  readonly #maxAgeMs: number;

  constructor(events: EventHub, clock: Clock, metrics: Metrics, maxAgeMs: number) {
    this.#clock = clock;
    this.#metrics = metrics;
    this.#maxAgeMs = maxAgeMs;
    events.on('sdp.posted', ({ room, type, from, to }, event) => {
      if (type !== 'offer') return;
      const key = `${room}|${from}|${to}`;
      this.#offeredAt.delete(key);
      this.#offeredAt.set(key, event.publishedAt);
      if (this.#offeredAt.size > MAX_TRACKED) this.#evictOldest();
    });
    events.on('sdp.expired', ({ room, type, source, destination }) => {
      if (type !== 'offer') return;
      this.#offeredAt.delete(`${room}|${source}|${destination}`);
      this.#offeredAt.delete(`${room}|${destination}|${source}`);
    });
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

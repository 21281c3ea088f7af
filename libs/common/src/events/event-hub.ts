import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import {
  EVENT_SCHEMA_VERSION,
  type Broadcasts,
  type BusStatus,
  type EventEnvelope,
  type EventKind,
  type EventPayloads,
} from '../ports/broadcasts.ts';
import type { Metrics } from '../observability/metrics.ts';
import { errorSummary, RepeatedLog } from '../observability/repeated-log.ts';
import { injectTraceparent, withRemoteParent, withSpan } from '../observability/tracing.ts';

type Listener<K extends EventKind> = (data: EventPayloads[K], event: EventEnvelope<K>) => void;

/**
 * The domain's view of broadcasts. A broadcast acts locally at once (this replica must not wait
 * for a bus round trip) and then goes to the bus for the other replicas. The bus is best-effort
 * because the store is the source of truth. Broadcasts that come back with this replica's own
 * origin were already acted on and are skipped.
 */
export class EventHub {
  readonly #bus: Broadcasts;
  readonly #clock: Clock;
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  /** A bus outage fails every publish alike: one warning when it starts, then one a minute per kind. */
  readonly #publishFailures: RepeatedLog;
  readonly #origin: string;
  readonly #listeners = new Map<EventKind, Set<Listener<EventKind>>>();
  readonly #unsubscribe: () => void;

  constructor(options: { bus: Broadcasts; clock: Clock; metrics: Metrics; logger: Logger; replicaName: string }) {
    this.#bus = options.bus;
    this.#clock = options.clock;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#publishFailures = new RepeatedLog({ line: (fields, message) => options.logger.warn(fields, message) });
    this.#origin = `${options.replicaName}/${randomUUID()}`;
    this.#unsubscribe = this.#bus.subscribe((event) => this.#receive(event));
    this.#metrics.busConnected.set(this.#bus.status() === 'up' ? 1 : 0);
    this.#bus.onStatusChange((status) => this.#statusChanged(status));
  }

  on<K extends EventKind>(kind: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(kind);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(kind, set);
    }
    set.add(listener as Listener<EventKind>);
    return () => set.delete(listener as Listener<EventKind>);
  }

  /** Acts locally now; resolves once the bus took the event or gave up (never rejects). */
  publish<K extends EventKind>(kind: K, data: EventPayloads[K]): Promise<void> {
    return withSpan(`bus.publish ${kind}`, { 'messaging.operation': 'publish', 'signal.event.kind': kind }, async () => {
      // The publish span becomes the parent of every replica's receive span.
      const event = this.#envelope(kind, data, injectTraceparent());
      this.#dispatch(event);
      try {
        await this.#bus.publish(event);
        this.#metrics.busPublished.inc({ kind, outcome: 'ok' });
      } catch (error) {
        this.#metrics.busPublished.inc({ kind, outcome: 'error' });
        this.#publishFailures.record(kind, { kind, error: errorSummary(error) }, 'event not published to the bus; other replicas do not hear of it');
      }
    }, 'producer');
  }

  #envelope<K extends EventKind>(kind: K, data: EventPayloads[K], traceparent: string | undefined): EventEnvelope<K> {
    return {
      version: EVENT_SCHEMA_VERSION,
      id: randomUUID(),
      kind,
      data,
      origin: this.#origin,
      publishedAt: this.#clock.now(),
      ...(traceparent !== undefined ? { traceparent } : {}),
    };
  }

  close(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #receive(event: EventEnvelope): void {
    if (event.origin === this.#origin) {
      this.#metrics.busReceived.inc({ kind: event.kind, outcome: 'own' });
      return;
    }
    this.#metrics.busReceived.inc({ kind: event.kind, outcome: 'ok' });
    this.#metrics.busLag.observe({ kind: event.kind }, Math.max(0, this.#clock.now() - event.publishedAt) / 1000);
    void withRemoteParent(event.traceparent, () =>
      withSpan(`bus.receive ${event.kind}`, { 'messaging.operation': 'receive', 'signal.event.kind': event.kind }, async () => this.#dispatch(event), 'consumer'),
    );
  }

  #dispatch(event: EventEnvelope): void {
    const listeners = this.#listeners.get(event.kind);
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener(event.data, event);
      } catch (error) {
        this.#logger.error({ kind: event.kind, err: error }, 'event listener failed');
      }
    }
  }

  #statusChanged(status: BusStatus): void {
    this.#metrics.busConnected.set(status === 'up' ? 1 : 0);
    if (status === 'up') this.#logger.info('event bus connected');
    else this.#logger.warn('event bus disconnected; revocations and expiries reach only this replica until it is back');
  }
}

/** What every replica of every service is told. Payloads carry neither credentials nor SDPs. */
export interface EventPayloads {
  /** Session caches drop the session. */
  'session.revoked': { sessionId: string };
  /**
   * `POST /expire` cleared the SDPs of `type` between `source` and `destination`, both
   * directions: signaling replicas wake those two slots' waiters, which read the store again.
   */
  'sdp.expired': { room: string; type: 'offer' | 'answer'; source: string; destination: string };
}
export type EventKind = keyof EventPayloads;

export const EVENT_SCHEMA_VERSION = 1;

/** The versioned wire form of a broadcast, identical on every transport. */
export interface EventEnvelope<K extends EventKind = EventKind> {
  version: typeof EVENT_SCHEMA_VERSION;
  /** Unique per event; transports use it as the message id for de-duplication. */
  id: string;
  kind: K;
  data: EventPayloads[K];
  /** Replica that published it, so a replica can skip what it already acted on locally. */
  origin: string;
  /** Epoch milliseconds at publish, for end-to-end lag. */
  publishedAt: number;
  /** W3C trace context of the publishing request, when tracing is on. */
  traceparent?: string;
}

export type BusStatus = 'up' | 'down';

/**
 * Broadcasts to every replica of every service, the publisher included, and the transport's
 * status. `publish` rejects with `DependencyUnavailableError` when the transport cannot take the
 * event. Wake-ups between signaling replicas are not broadcasts: they go through signaling's
 * `Wakeups` port.
 */
export interface Broadcasts {
  publish(event: EventEnvelope): Promise<void>;
  /** Registers a handler for every broadcast; returns an unsubscribe function. */
  subscribe(handler: (event: EventEnvelope) => void): () => void;
  status(): BusStatus;
  onStatusChange(listener: (status: BusStatus) => void): () => void;
  close(): Promise<void>;
}

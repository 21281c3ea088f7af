/** An SDP record as signaling stores it, carried by a wake-up; the bus only moves it. */
export interface CarriedSdpRecord {
  room: string;
  type: 'offer' | 'answer';
  from: string;
  to: string;
  sdp: string;
  shortname: string;
  createdAt: number;
  expiresAt: number;
  offeredAt?: number;
}

/** What replicas tell each other. Payloads never carry credentials; `sdp.posted` may carry the SDP it announces. */
export interface EventPayloads {
  /**
   * Sent to the inbox of each replica waiting on the slot. `record`, the SDP as written (when it
   * is small enough to carry), answers the waiter without a store read; otherwise `token` lets
   * that read see the write.
   */
  'sdp.posted': { room: string; type: 'offer' | 'answer'; from: string; to: string; token?: string; record?: CarriedSdpRecord };
  /** Broadcast to every replica of every service: session caches drop the session. */
  'session.revoked': { sessionId: string };
}
export type EventKind = keyof EventPayloads;

/**
 * Longest SDP (UTF-16 code units) a wake-up carries: even at six bytes per character once
 * JSON-escaped it stays under Service Bus Standard's 256 KB message limit, and a typical 2–10 KB
 * SDP fits Standard's first 64 KB credit. Longer SDPs go by token and the woken replica reads.
 */
export const MAX_CARRIED_SDP_LENGTH = 32_768;

export const EVENT_SCHEMA_VERSION = 1;

/** The versioned wire form of an event, identical on every transport. */
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

/** `gone`: the inbox no longer exists (its replica stopped or was killed); the message is dropped. */
export type SendOutcome = 'sent' | 'gone';

/**
 * Broadcast to every replica (the publisher included) and directed messages to one replica's
 * inbox. `publish` and `send` reject with `DependencyUnavailableError` when the transport cannot
 * take the event.
 */
export interface EventBus {
  /** This replica's inbox, which `send` reaches; undefined for a replica that has none. */
  readonly address: string | undefined;
  publish(event: EventEnvelope): Promise<void>;
  send(address: string, event: EventEnvelope): Promise<SendOutcome>;
  /** Registers a handler for broadcasts and for messages sent to this inbox; returns an unsubscribe function. */
  subscribe(handler: (event: EventEnvelope) => void): () => void;
  status(): BusStatus;
  onStatusChange(listener: (status: BusStatus) => void): () => void;
  close(): Promise<void>;
}

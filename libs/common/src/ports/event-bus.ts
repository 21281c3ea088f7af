import type { SdpType } from './sdp-store.ts';

/** What replicas tell each other. Payloads name things, never carry SDP bodies or secrets. */
export interface EventPayloads {
  'sdp.posted': { room: string; type: SdpType; from: string; to: string };
  'sdp.expired': { room: string; type: SdpType; source: string; destination: string };
  'session.revoked': { sessionId: string };
}
export type EventKind = keyof EventPayloads;

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

/**
 * Fan-out of events to every replica (including the publisher).
 * `publish` rejects with `DependencyUnavailableError` when the transport cannot take the event.
 */
export interface EventBus {
  publish(event: EventEnvelope): Promise<void>;
  /** Registers a handler for every event any replica publishes; returns an unsubscribe function. */
  subscribe(handler: (event: EventEnvelope) => void): () => void;
  status(): BusStatus;
  onStatusChange(listener: (status: BusStatus) => void): () => void;
  close(): Promise<void>;
}

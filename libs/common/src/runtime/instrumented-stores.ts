import type { Span } from '@opentelemetry/api';
import { DependencyUnavailableError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import { tracingOn, withSpan } from '../observability/tracing.ts';
import type { Session, SessionStore } from '../ports/session-store.ts';

type Outcome = 'ok' | 'miss' | 'error';

/** Times one store call and labels it; a read that finds nothing (or a delete of nothing) is a miss. */
export function timedStoreCall<T>(metrics: Metrics, store: string, op: string, call: () => Promise<T>, missed: (value: T) => boolean): Promise<T> {
  // Tracing off (the default), a store call starts no span and builds no attributes for one: every
  // handshake makes five store calls.
  if (!tracingOn()) return timed(metrics, store, op, call, missed, undefined);
  return withSpan(`store ${op}`, { 'db.system': store, 'signal.store.op': op }, (span) => timed(metrics, store, op, call, missed, span), 'client');
}

async function timed<T>(metrics: Metrics, store: string, op: string, call: () => Promise<T>, missed: (value: T) => boolean, span: Span | undefined): Promise<T> {
  const started = performance.now();
  let outcome: Outcome = 'error';
  try {
    const value = await call();
    outcome = missed(value) ? 'miss' : 'ok';
    return value;
  } catch (error) {
    throw error instanceof DependencyUnavailableError ? error : new DependencyUnavailableError(store, error);
  } finally {
    // One observation by label values, rather than startTimer's closure, hrtime pairs and merged label objects.
    metrics.storeDurations.observe((performance.now() - started) / 1000, store, op, outcome);
    span?.setAttribute('signal.store.outcome', outcome);
  }
}

export const neverAMiss = () => false;
export const missedWhenAbsent = (value: unknown) => value === undefined || value === false;

/** Adds store metrics to any SessionStore without the adapter knowing about them. */
export class InstrumentedSessionStore implements SessionStore {
  readonly #inner: SessionStore;
  readonly #metrics: Metrics;
  readonly #kind: string;
  constructor(inner: SessionStore, metrics: Metrics, kind: string) {
    this.#inner = inner;
    this.#metrics = metrics;
    this.#kind = kind;
  }
  create(session: Session): Promise<void> {
    return timedStoreCall(this.#metrics, this.#kind, 'session_create', () => this.#inner.create(session), neverAMiss);
  }
  get(id: string): Promise<Session | undefined> {
    return timedStoreCall(this.#metrics, this.#kind, 'session_get', () => this.#inner.get(id), missedWhenAbsent);
  }
  delete(id: string, uuid: string): Promise<boolean> {
    return timedStoreCall(this.#metrics, this.#kind, 'session_delete', () => this.#inner.delete(id, uuid), missedWhenAbsent);
  }
  sessionsOf(uuid: string): Promise<string[]> {
    return timedStoreCall(this.#metrics, this.#kind, 'session_list', () => this.#inner.sessionsOf(uuid), neverAMiss);
  }
  ping(): Promise<void> {
    return this.#inner.ping();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

import { DependencyUnavailableError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import { withSpan } from '../observability/tracing.ts';
import type { SdpKey, SdpRecord, SdpStore, SdpWrite, SlotWaiter, UnansweredEnd } from '../ports/sdp-store.ts';
import type { Session, SessionStore } from '../ports/session-store.ts';

type Outcome = 'ok' | 'miss' | 'error';

/** Times one store call and labels it; a read that finds nothing (or a delete of nothing) is a miss. */
function timed<T>(metrics: Metrics, store: string, op: string, call: () => Promise<T>, missed: (value: T) => boolean): Promise<T> {
  return withSpan(`store ${op}`, { 'db.system': store, 'signal.store.op': op }, async (span) => {
    const end = metrics.storeDuration.startTimer({ store, op });
    let outcome: Outcome = 'error';
    try {
      const value = await call();
      outcome = missed(value) ? 'miss' : 'ok';
      return value;
    } catch (error) {
      throw error instanceof DependencyUnavailableError ? error : new DependencyUnavailableError(store, error);
    } finally {
      end({ outcome });
      span.setAttribute('signal.store.outcome', outcome);
    }
  }, 'client');
}

const never = () => false;
const absent = (value: unknown) => value === undefined || value === false;

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
    return timed(this.#metrics, this.#kind, 'session_create', () => this.#inner.create(session), never);
  }
  get(id: string): Promise<Session | undefined> {
    return timed(this.#metrics, this.#kind, 'session_get', () => this.#inner.get(id), absent);
  }
  delete(id: string, uuid: string): Promise<boolean> {
    return timed(this.#metrics, this.#kind, 'session_delete', () => this.#inner.delete(id, uuid), absent);
  }
  sessionsOf(uuid: string): Promise<string[]> {
    return timed(this.#metrics, this.#kind, 'session_list', () => this.#inner.sessionsOf(uuid), never);
  }
  ping(): Promise<void> {
    return this.#inner.ping();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Adds store metrics to any SdpStore without the adapter knowing about them. */
export class InstrumentedSdpStore implements SdpStore {
  readonly #inner: SdpStore;
  readonly #metrics: Metrics;
  readonly #kind: string;
  constructor(inner: SdpStore, metrics: Metrics, kind: string) {
    this.#inner = inner;
    this.#metrics = metrics;
    this.#kind = kind;
  }
  put(record: SdpRecord): Promise<SdpWrite> {
    return timed(this.#metrics, this.#kind, 'sdp_put', () => this.#inner.put(record), never);
  }
  get(key: SdpKey, token?: string): Promise<SdpRecord | undefined> {
    return timed(this.#metrics, this.#kind, 'sdp_get', () => this.#inner.get(key, token), absent);
  }
  watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined> {
    return timed(this.#metrics, this.#kind, 'sdp_watch', () => this.#inner.watch(key, waiter), absent);
  }
  clear(key: SdpKey): Promise<UnansweredEnd | undefined> {
    return timed(this.#metrics, this.#kind, 'sdp_clear', () => this.#inner.clear(key), never);
  }
  markAnswered(offer: SdpKey): Promise<boolean> {
    return timed(this.#metrics, this.#kind, 'sdp_answered', () => this.#inner.markAnswered(offer), never);
  }
  ping(): Promise<void> {
    return this.#inner.ping();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

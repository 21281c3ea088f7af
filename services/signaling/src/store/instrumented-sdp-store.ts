import type { Metrics } from '@signal/common/observability/metrics';
import { missedWhenAbsent, neverAMiss, timedStoreCall } from '@signal/common/runtime/instrumented-stores';
import type { SdpKey, SdpRecord, SdpStore, SdpWrite, SlotWaiter, UnansweredEnd } from './sdp-store.ts';

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
    return timedStoreCall(this.#metrics, this.#kind, 'sdp_put', () => this.#inner.put(record), neverAMiss);
  }
  get(key: SdpKey, token?: string): Promise<SdpRecord | undefined> {
    return timedStoreCall(this.#metrics, this.#kind, 'sdp_get', () => this.#inner.get(key, token), missedWhenAbsent);
  }
  watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined> {
    return timedStoreCall(this.#metrics, this.#kind, 'sdp_watch', () => this.#inner.watch(key, waiter), missedWhenAbsent);
  }
  clear(key: SdpKey): Promise<UnansweredEnd | undefined> {
    return timedStoreCall(this.#metrics, this.#kind, 'sdp_clear', () => this.#inner.clear(key), neverAMiss);
  }
  markAnswered(offer: SdpKey): Promise<number | undefined> {
    return timedStoreCall(this.#metrics, this.#kind, 'sdp_answered', () => this.#inner.markAnswered(offer), neverAMiss);
  }
  ping(): Promise<void> {
    return this.#inner.ping();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

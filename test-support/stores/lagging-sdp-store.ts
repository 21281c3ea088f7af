import type { Clock } from '@signal/common/clock';
import type { SdpKey, SdpRecord, SdpStore, SdpWrite, SlotWaiter, UnansweredEnd } from '@signal/signaling/store/sdp-store';

const slotOf = (key: SdpKey) => `${key.room}|${key.type}|${key.from}|${key.to}`;

interface Write {
  seq: number;
  visibleAt: number;
  /** What a reader without this write's token sees until `visibleAt`. */
  before: SdpRecord | undefined;
}

/**
 * Cosmos DB under Session consistency, made visible: for `lagMs` after a put, a read that does not
 * present that put's token (or a later one) sees the slot as it was before, as a read served by
 * a replica behind the write region would. Writes (`put`, `watch`, `clear`) land on the write
 * region and see everything. Tokens are this decorator's own sequence numbers, wrapped around the
 * inner store's token.
 */
export class LaggingSdpStore implements SdpStore {
  readonly #inner: SdpStore;
  readonly #clock: Clock;
  readonly #lagMs: number;
  readonly #writes = new Map<string, Write>();
  #seq = 0;
  /** Reads answered with a hidden write's predecessor: proof that the lag bit. */
  staleReads = 0;

  constructor(inner: SdpStore, clock: Clock, lagMs: number) {
    this.#inner = inner;
    this.#clock = clock;
    this.#lagMs = lagMs;
  }

  async put(record: SdpRecord): Promise<SdpWrite> {
    const before = await this.get(record);
    const written = await this.#inner.put(record);
    this.#seq += 1;
    this.#writes.set(slotOf(record), { seq: this.#seq, visibleAt: this.#clock.now() + this.#lagMs, before });
    return { ...written, token: `${this.#seq}/${written.token ?? ''}` };
  }

  async get(key: SdpKey, token?: string): Promise<SdpRecord | undefined> {
    const [seq, inner] = token === undefined ? [0, undefined] : [Number(token.split('/')[0]), token.slice(token.indexOf('/') + 1) || undefined];
    const write = this.#writes.get(slotOf(key));
    if (write !== undefined && this.#clock.now() < write.visibleAt && seq < write.seq) {
      this.staleReads += 1;
      return write.before;
    }
    return this.#inner.get(key, inner);
  }

  watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined> {
    return this.#inner.watch(key, waiter);
  }

  clear(key: SdpKey): Promise<UnansweredEnd | undefined> {
    this.#writes.delete(slotOf(key));
    return this.#inner.clear(key);
  }

  markAnswered(offer: SdpKey): Promise<number | undefined> {
    return this.#inner.markAnswered(offer);
  }

  ping(): Promise<void> {
    return this.#inner.ping();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

import type { Clock } from '../../clock.ts';
import type { SdpKey, SdpRecord, SdpStore } from '../../ports/sdp-store.ts';
import { ExpiringMap } from './expiring-map.ts';

const slot = (key: SdpKey) => `${key.room}|${key.type}|${key.from}|${key.to}`;

/** SDPs in this process only: the single-machine default. */
export class MemorySdpStore implements SdpStore {
  readonly #records: ExpiringMap<SdpRecord>;

  constructor(clock: Clock) {
    this.#records = new ExpiringMap(clock);
  }

  async put(record: SdpRecord): Promise<void> {
    this.#records.set(slot(record), record);
  }

  async get(key: SdpKey): Promise<SdpRecord | undefined> {
    return this.#records.get(slot(key));
  }

  async delete(key: SdpKey): Promise<boolean> {
    return this.#records.delete(slot(key));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#records.close();
  }
}

import type { Clock } from '../../clock.ts';
import type { SdpKey, SdpRecord, SdpStore } from '../../ports/sdp-store.ts';
import type { CosmosConnection } from './connection.ts';
import { isIdPart } from './documents.ts';
import { ExpiringItems } from './expiring-items.ts';

/** `<type>.<from>.<to>`, unique within the room's partition; undefined when a part cannot be in an id. */
function itemId({ type, from, to }: SdpKey): string | undefined {
  return isIdPart(from) && isIdPart(to) ? `${type}.${from}.${to}` : undefined;
}

/** SDPs in the `sdps` container, partitioned by room: every operation is a point operation. */
export class CosmosSdpStore implements SdpStore {
  readonly #items: ExpiringItems<SdpRecord>;

  constructor(connection: CosmosConnection, clock: Clock) {
    this.#items = new ExpiringItems(connection, connection.sdps, clock, ['id']);
  }

  async put(record: SdpRecord): Promise<void> {
    const id = itemId(record);
    if (id === undefined) throw new Error(`sdp key from ${JSON.stringify(record.from)} to ${JSON.stringify(record.to)} cannot form a Cosmos item id`);
    await this.#items.upsert('sdp_put', id, record);
  }

  async get(key: SdpKey): Promise<SdpRecord | undefined> {
    const id = itemId(key);
    return id === undefined ? undefined : this.#items.read('sdp_get', id, key.room);
  }

  async delete(key: SdpKey): Promise<boolean> {
    const id = itemId(key);
    return id === undefined ? false : this.#items.delete('sdp_delete', id, key.room);
  }

  async ping(): Promise<void> {
    await this.#items.ping('sdp_ping');
  }

  async close(): Promise<void> {
    this.#items.close();
  }
}

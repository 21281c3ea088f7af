import { Constants, type Container, type ItemDefinition, type PatchOperation } from '@azure/cosmos';
import type { Clock } from '@signal/common/clock';
import {
  liveWaiters,
  recordSlotExpiry,
  unansweredEnd,
  type SdpKey,
  type SdpRecord,
  type SdpStore,
  type SdpWrite,
  type SlotWaiter,
  type UnansweredEnd,
} from './sdp-store.ts';
import type { CosmosResponse } from '@signal/common/adapters/cosmos/caller';
import type { CosmosConnection } from '@signal/common/adapters/cosmos/connection';
import type { ContainerSpec } from '@signal/common/adapters/cosmos/containers';
import { DependencyUnavailableError } from '@signal/common/errors';
import { isIdPart, storedFields, ttlSeconds } from '@signal/common/adapters/cosmos/documents';
import { KnownItems } from './known-items.ts';

/** `<type>.<from>.<to>`, unique within the room's partition; undefined when a part cannot be in an id. */
function itemId({ type, from, to }: SdpKey): string | undefined {
  return isIdPart(from) && isIdPart(to) ? `${type}.${from}.${to}` : undefined;
}

/**
 * The slot item: the record's fields at the top level (an item written by a waiter alone has
 * `expiresAt` 0 and no `sdp`), and `waiters`, each waiting replica's address mapped to its `until`.
 * An offer slot also counts `answers` written since its offer was stored, and keeps the
 * `expiresAt` and `answers` of the offer its last put or clear replaced (`replaced*`).
 */
type SlotDocument = ItemDefinition &
  Partial<SdpRecord> & { waiters?: Record<string, number>; answers?: number; replacedExpiresAt?: number; replacedAnswers?: number; _ts?: number; ttl?: number };

const HISTORY_FIELDS = ['id', 'waiters', 'answers', 'replacedExpiresAt', 'replacedAnswers'];

/**
 * Moves the offer's expiry and answer count aside within the write that replaces or removes it,
 * so the write's own response tells how that offer ended: no read first, no race between
 * replicas. `incr` by 0 creates a missing count; `expiresAt` is on every slot item. The SDK's
 * PatchOperation type does not list `move`, which the service and the stand-in both accept.
 */
const MOVE_OFFER_ASIDE = [
  { op: 'incr', path: '/answers', value: 0 },
  { op: 'move', from: '/answers', path: '/replacedAnswers' },
  { op: 'move', from: '/expiresAt', path: '/replacedExpiresAt' },
] as unknown as PatchOperation[];

const PING_ID = 'signal-ping';

/** Item ids are unique only within their room's partition. */
const knownId = (room: string, id: string) => `${room}/${id}`;
const CONFLICT = 409;

const tokenOf = (response: CosmosResponse) => response.headers[Constants.HttpHeaders.SessionToken] as string | undefined;

/** The SDP container (`COSMOS_SDPS_CONTAINER`, default `sdps`), partitioned by room. */
export const SDP_CONTAINER: ContainerSpec = { variable: 'COSMOS_SDPS_CONTAINER', id: 'sdps', partitionKeyPath: '/room' };

/**
 * SDPs in the `sdps` container, partitioned by room, one item per slot. Writes are patches, so
 * the record and the waiters written by other replicas never overwrite each other, and each
 * patch answers with the whole item as it stands after the write (no batch, no second read).
 */
export class CosmosSdpStore implements SdpStore {
  readonly #connection: CosmosConnection;
  readonly #container: Container;
  readonly #clock: Clock;
  readonly #known = new KnownItems();
  #closed = false;

  constructor(connection: CosmosConnection, container: Container, clock: Clock) {
    connection.retain();
    this.#connection = connection;
    this.#container = container;
    this.#clock = clock;
  }

  async put(record: SdpRecord): Promise<SdpWrite> {
    const id = itemId(record);
    if (id === undefined) throw new Error(`sdp key from ${JSON.stringify(record.from)} to ${JSON.stringify(record.to)} cannot form a Cosmos item id`);
    const now = this.#clock.now();
    const ttl = ttlSeconds(recordSlotExpiry(record), now);
    const operations: PatchOperation[] = [
      ...(record.type === 'offer' ? MOVE_OFFER_ASIDE : []),
      { op: 'set', path: '/sdp', value: record.sdp },
      { op: 'set', path: '/shortname', value: record.shortname },
      { op: 'set', path: '/createdAt', value: record.createdAt },
      { op: 'set', path: '/expiresAt', value: record.expiresAt },
      { op: 'set', path: '/offeredAt', value: record.offeredAt ?? null },
      { op: 'set', path: '/ttl', value: ttl },
    ];
    // Patch first: a slot someone waits on exists already, and its waiters are what a put must see.
    const response = await this.#patchOrCreate('sdp_put', id, record, operations, { ...record, offeredAt: record.offeredAt ?? null, waiters: {}, ttl }, false);
    return { waiters: liveWaiters(response.resource?.waiters, now), token: tokenOf(response), replaced: this.#ended(record, response.resource, now) };
  }

  async get(key: SdpKey, token?: string): Promise<SdpRecord | undefined> {
    const id = itemId(key);
    if (id === undefined) return undefined;
    const response = await this.#connection.caller.find('sdp_get', (options) =>
      this.#container.item(id, key.room).read<SlotDocument>(token === undefined ? options : { ...options, sessionToken: token }),
    );
    return this.#live(response?.resource);
  }

  async watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined> {
    const id = itemId(key);
    if (id === undefined) return undefined;
    const now = this.#clock.now();
    // Create first unless this replica knows the item: a long-poll mostly waits on a slot nobody
    // wrote yet, where a patch would only find nothing (two requests instead of one).
    // One second more than the wait: `_ts` is whole seconds, and the check below must not take
    // the rounding for an item that ends too early.
    const fresh = { ...key, expiresAt: 0, waiters: { [waiter.address]: waiter.until }, ttl: ttlSeconds(waiter.until, now) + 1 };
    const known = this.#known.exists(knownId(key.room, id), now);
    const response = await this.#patchOrCreate('sdp_watch', id, key, [{ op: 'set', path: `/waiters/${waiter.address}`, value: waiter.until }], fresh, !known);
    const document = response.resource;
    // Cosmos counts `ttl` from the last write: an item written with a ttl shorter than this wait
    // would vanish under the waiter, and a later put would then find no address to wake.
    if (document?.ttl !== undefined && document._ts !== undefined && (document._ts + document.ttl) * 1000 < waiter.until) {
      const ttl = ttlSeconds(Math.max(waiter.until, recordSlotExpiry({ type: key.type, expiresAt: document.expiresAt ?? 0 })), now);
      await this.#connection.caller.run('sdp_watch', (options) => this.#container.item(id, key.room).patch([{ op: 'set', path: '/ttl', value: ttl }], options));
    }
    return this.#live(document);
  }

  async clear(key: SdpKey): Promise<UnansweredEnd | undefined> {
    const id = itemId(key);
    if (id === undefined) return undefined;
    const response = await this.#connection.caller.find('sdp_clear', (options) =>
      this.#container.item(id, key.room).patch<SlotDocument>(
        [
          ...(key.type === 'offer' ? MOVE_OFFER_ASIDE : []),
          { op: 'set', path: '/expiresAt', value: 0 },
          { op: 'set', path: '/sdp', value: '' },
        ],
        options,
      ),
    );
    this.#known.saw(knownId(key.room, id), response?.resource?.ttl, this.#clock.now());
    return this.#ended(key, response?.resource, this.#clock.now());
  }

  async markAnswered(offer: SdpKey): Promise<number | undefined> {
    const id = itemId(offer);
    if (id === undefined) return undefined;
    const response = await this.#connection.caller.find('sdp_answered', (options) =>
      this.#container.item(id, offer.room).patch<SlotDocument>([{ op: 'incr', path: '/answers', value: 1 }], options),
    );
    const document = response?.resource;
    return document !== undefined && (document.expiresAt ?? 0) > 0 && document.answers === 1 ? document.createdAt : undefined;
  }

  async ping(): Promise<void> {
    await this.#connection.caller.find('sdp_ping', (options) => this.#container.item(PING_ID, PING_ID).read(options));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.release();
  }

  /**
   * Patches the slot item or creates it, starting with whichever `createFirst` says; each falls
   * back to the other (a missing item is created, a concurrent creator's item is patched), so
   * the write lands whatever other replicas do meanwhile.
   */
  async #patchOrCreate(op: string, id: string, key: SdpKey, operations: PatchOperation[], fresh: Record<string, unknown>, createFirst: boolean) {
    const caller = this.#connection.caller;
    const patch = () => caller.find(op, (options) => this.#container.item(id, key.room).patch<SlotDocument>(operations, options));
    const create = () =>
      caller.run(op, (options) => this.#container.items.create<SlotDocument>({ ...fresh, id, room: key.room }, options)).catch((error: unknown) => {
        if ((error as { code?: unknown }).code === CONFLICT) return undefined;
        throw error;
      });
    // The third attempt covers an item that expired between the first two.
    for (const attempt of createFirst ? [create, patch, create] : [patch, create, patch]) {
      const response = await attempt();
      if (response !== undefined) {
        this.#known.saw(knownId(key.room, id), response.resource?.ttl, this.#clock.now());
        return response;
      }
    }
    throw new DependencyUnavailableError('cosmos', new Error(`slot item ${id} kept appearing and vanishing`));
  }

  #ended(key: SdpKey, document: SlotDocument | undefined, now: number): UnansweredEnd | undefined {
    if (key.type !== 'offer' || document?.replacedExpiresAt === undefined) return undefined;
    return unansweredEnd({ expiresAt: document.replacedExpiresAt, answers: document.replacedAnswers ?? 0 }, now);
  }

  #live(document: SlotDocument | undefined): SdpRecord | undefined {
    if (document === undefined || typeof document.sdp !== 'string' || (document.expiresAt ?? 0) <= this.#clock.now()) return undefined;
    const record = storedFields<SdpRecord & { offeredAt?: number | null }>(document, HISTORY_FIELDS);
    if (record.offeredAt === null) delete record.offeredAt;
    return record;
  }
}

import type { Container, ItemDefinition } from '@azure/cosmos';
import type { Clock } from '../../clock.ts';
import type { CosmosConnection } from './connection.ts';
import { storedFields, ttlSeconds } from './documents.ts';

/** A point read of this id answers 404 in a healthy container: the cheapest proof it is there. */
const PING_ID = 'signal-ping';

/**
 * Point operations on one container, each a single request: what the Cosmos session store is made of.
 * Items carry `expiresAt`, checked on every read, and a matching `ttl` so that Cosmos purges
 * them; the check keeps expiry exact where TTL lags or is not enforced at all.
 * Each method takes the operation name its request units and throttles are reported under.
 * Holds the connection open until `close()`.
 */
export class ExpiringItems<T extends { expiresAt: number }> {
  readonly #connection: CosmosConnection;
  readonly #container: Container;
  readonly #clock: Clock;
  #closed = false;

  constructor(connection: CosmosConnection, container: Container, clock: Clock) {
    connection.retain();
    this.#connection = connection;
    this.#container = container;
    this.#clock = clock;
  }

  async upsert(op: string, id: string, fields: T): Promise<void> {
    const document: ItemDefinition = { ...fields, id, ttl: ttlSeconds(fields.expiresAt, this.#clock.now()) };
    await this.#connection.caller.run(op, (options) => this.#container.items.upsert(document, options));
  }

  async read(op: string, id: string, partitionKey: string): Promise<T | undefined> {
    const response = await this.#connection.caller.find(op, (options) =>
      this.#container.item(id, partitionKey).read<T & ItemDefinition>(options),
    );
    const document = response?.resource;
    if (document === undefined || document.expiresAt <= this.#clock.now()) return undefined;
    return storedFields<T>(document);
  }

  /** True when the item existed; its `expiresAt` is not known without a second request. */
  async delete(op: string, id: string, partitionKey: string): Promise<boolean> {
    const response = await this.#connection.caller.find(op, (options) => this.#container.item(id, partitionKey).delete(options));
    return response !== undefined;
  }

  async ping(op: string): Promise<void> {
    await this.#connection.caller.find(op, (options) => this.#container.item(PING_ID, PING_ID).read(options));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.release();
  }
}

import type { Clock } from '../../clock.ts';
import type { Session, SessionStore } from '../../ports/session-store.ts';
import type { CosmosConnection } from './connection.ts';
import { isIdPart } from './documents.ts';
import { ExpiringItems } from './expiring-items.ts';

/** Sessions in the `sessions` container, partitioned by their own id; ops named as in store metrics. */
export class CosmosSessionStore implements SessionStore {
  readonly #items: ExpiringItems<Session>;

  constructor(connection: CosmosConnection, clock: Clock) {
    this.#items = new ExpiringItems(connection, connection.sessions, clock);
  }

  async create(session: Session): Promise<void> {
    if (!isIdPart(session.id)) throw new Error(`session id ${JSON.stringify(session.id)} cannot be a Cosmos item id`);
    await this.#items.upsert('session_create', session.id, session);
  }

  // Ids come from cookies: one that no session could have is answered without a request.
  async get(id: string): Promise<Session | undefined> {
    return isIdPart(id) ? this.#items.read('session_get', id, id) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    return isIdPart(id) ? this.#items.delete('session_delete', id, id) : false;
  }

  async ping(): Promise<void> {
    await this.#items.ping('session_ping');
  }

  async close(): Promise<void> {
    this.#items.close();
  }
}

import type { Clock } from '../../clock.ts';
import type { Session, SessionStore } from '../../ports/session-store.ts';
import type { CosmosConnection } from './connection.ts';
import { isIdPart } from './documents.ts';
import { ExpiringItems } from './expiring-items.ts';
import { UserSessionList } from './user-session-list.ts';

/** A session id is a base64url digest: never a `user:` list item, whatever a cookie claims. */
const isSessionId = (id: string) => isIdPart(id) && !id.includes(':');

/** Sessions in the `sessions` container, partitioned by their own id; ops named as in store metrics. */
export class CosmosSessionStore implements SessionStore {
  readonly #items: ExpiringItems<Session>;
  readonly #lists: UserSessionList;

  constructor(connection: CosmosConnection, clock: Clock) {
    this.#items = new ExpiringItems(connection, connection.sessions, clock);
    this.#lists = new UserSessionList(connection, connection.sessions, clock);
  }

  async create(session: Session): Promise<void> {
    if (!isSessionId(session.id) || !isIdPart(session.uuid)) throw new Error(`session id ${JSON.stringify(session.id)} cannot be a Cosmos item id`);
    await this.#items.upsert('session_create', session.id, session);
    await this.#lists.add(session.uuid, session.id, { createdAt: session.createdAt, expiresAt: session.expiresAt });
  }

  // Ids come from cookies: one that no session could have is answered without a request.
  async get(id: string): Promise<Session | undefined> {
    return isSessionId(id) ? this.#items.read('session_get', id, id) : undefined;
  }

  async delete(id: string, uuid: string): Promise<boolean> {
    if (!isSessionId(id)) return false;
    const existed = await this.#items.delete('session_delete', id, id);
    if (isIdPart(uuid)) await this.#lists.remove(uuid, id);
    return existed;
  }

  async sessionsOf(uuid: string): Promise<string[]> {
    return isIdPart(uuid) ? this.#lists.list(uuid) : [];
  }

  async ping(): Promise<void> {
    await this.#items.ping('session_ping');
  }

  async close(): Promise<void> {
    this.#items.close();
  }
}

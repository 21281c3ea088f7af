import type { Container, PatchOperation } from '@azure/cosmos';
import type { Clock } from '../../clock.ts';
import { statusOf } from './caller.ts';
import type { CosmosConnection } from './connection.ts';
import { ttlSeconds } from './documents.ts';

interface Listed {
  createdAt: number;
  expiresAt: number;
}

interface ListDocument {
  id: string;
  sessions: Record<string, Listed>;
  expiresAt: number;
}

const BAD_REQUEST = 400;
const CONFLICT = 409;

/**
 * A user's session ids, in one small item per user (`user:<uuid>`) of the sessions container.
 * Session ids are base64url digests and never contain `:`, so the two kinds of item cannot
 * collide. Entries are added and removed with PATCH (one path per session under `/sessions`),
 * never by rewriting the item, so concurrent logins of one user do not lose each other's entry.
 * The item lives as long as the user's latest session.
 */
export class UserSessionList {
  readonly #connection: CosmosConnection;
  readonly #container: Container;
  readonly #clock: Clock;

  constructor(connection: CosmosConnection, container: Container, clock: Clock) {
    this.#connection = connection;
    this.#container = container;
    this.#clock = clock;
  }

  async add(uuid: string, sessionId: string, listed: Listed): Promise<void> {
    const id = listId(uuid);
    const ttl = ttlSeconds(listed.expiresAt, this.#clock.now());
    const operations: PatchOperation[] = [
      { op: 'set', path: `/sessions/${sessionId}`, value: listed },
      // Sessions all live SESSION_TTL_SECONDS, so the newest one expires last.
      { op: 'set', path: '/expiresAt', value: listed.expiresAt },
      { op: 'set', path: '/ttl', value: ttl },
    ];
    const patch = () => this.#connection.caller.find('session_list_add', (options) => this.#container.item(id, id).patch(operations, options));
    if ((await patch()) !== undefined) return;
    const document: ListDocument & { ttl: number } = { id, sessions: { [sessionId]: listed }, expiresAt: listed.expiresAt, ttl };
    try {
      await this.#connection.caller.run('session_list_add', (options) => this.#container.items.create(document, options));
    } catch (error) {
      // Another login of the same user created the item first: add to it instead.
      if (statusOf(error) !== CONFLICT || (await patch()) === undefined) throw error;
    }
  }

  async remove(uuid: string, sessionId: string): Promise<void> {
    const id = listId(uuid);
    const operations: PatchOperation[] = [{ op: 'remove', path: `/sessions/${sessionId}` }];
    try {
      await this.#connection.caller.find('session_list_remove', (options) => this.#container.item(id, id).patch(operations, options));
    } catch (error) {
      // The entry was never there or is already gone: Cosmos refuses to remove an absent path.
      if (statusOf(error) !== BAD_REQUEST) throw error;
    }
  }

  /** Live entries, oldest first. */
  async list(uuid: string): Promise<string[]> {
    const id = listId(uuid);
    const response = await this.#connection.caller.find('session_list_read', (options) => this.#container.item(id, id).read<ListDocument>(options));
    const now = this.#clock.now();
    return Object.entries(response?.resource?.sessions ?? {})
      .filter(([, listed]) => listed.expiresAt > now)
      .sort(([, a], [, b]) => a.createdAt - b.createdAt)
      .map(([sessionId]) => sessionId);
  }
}

export const listId = (uuid: string): string => `user:${uuid}`;

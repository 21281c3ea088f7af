import type { Clock } from '../../clock.ts';
import type { Session, SessionStore } from '../../ports/session-store.ts';
import { ExpiringMap } from './expiring-map.ts';

/** Sessions in this process only: the single-machine default. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions: ExpiringMap<Session>;

  constructor(clock: Clock) {
    this.#sessions = new ExpiringMap(clock);
  }

  async create(session: Session): Promise<void> {
    this.#sessions.set(session.id, session);
  }

  async get(id: string): Promise<Session | undefined> {
    return this.#sessions.get(id);
  }

  async delete(id: string): Promise<boolean> {
    return this.#sessions.delete(id);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#sessions.close();
  }
}

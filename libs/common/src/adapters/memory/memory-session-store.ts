import type { Clock } from '../../clock.ts';
import type { Session, SessionStore } from '../../ports/session-store.ts';
import type { ByteBudget } from './byte-budget.ts';
import { ExpiringMap } from './expiring-map.ts';

/** Sessions in this process only: the single-machine default. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions: ExpiringMap<Session>;
  /** Session ids by user uuid; an id leaves when its session is deleted or found expired. */
  readonly #byUser = new Map<string, Set<string>>();

  constructor(clock: Clock, budget?: ByteBudget) {
    this.#sessions = new ExpiringMap(clock, { budget, ownerOf: (_id, session) => session.uuid, onRemove: (id, session) => this.#unlist(session.uuid, id) });
  }

  async create(session: Session): Promise<void> {
    this.#sessions.set(session.id, session);
    const ids = this.#byUser.get(session.uuid) ?? new Set<string>();
    ids.add(session.id);
    this.#byUser.set(session.uuid, ids);
  }

  async get(id: string): Promise<Session | undefined> {
    return this.#sessions.get(id);
  }

  async delete(id: string): Promise<boolean> {
    return this.#sessions.delete(id);
  }

  async sessionsOf(uuid: string): Promise<string[]> {
    const live = [...(this.#byUser.get(uuid) ?? [])].flatMap((id) => this.#sessions.get(id) ?? []).filter((session) => session.uuid === uuid);
    return live.sort((a, b) => a.createdAt - b.createdAt).map((session) => session.id);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#sessions.close();
  }

  #unlist(uuid: string, id: string): void {
    const ids = this.#byUser.get(uuid);
    ids?.delete(id);
    if (ids?.size === 0) this.#byUser.delete(uuid);
  }
}

import type { Clock } from '../clock.ts';
import type { Session, SessionStore } from '../ports/session-store.ts';

/**
 * Answers "which live session is this?" for every service, by store key (`presentedSession` asks with each cookie value). With a cache
 * (SESSION_CACHE_SECONDS > 0) a hit costs no store read; `revoke` is called for every
 * session.revoked event so a logout on any replica ends the session here too.
 */
export class SessionGate {
  readonly #store: SessionStore;
  readonly #clock: Clock;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { session: Session; until: number }>();

  constructor(store: SessionStore, clock: Clock, cacheSeconds: number) {
    this.#store = store;
    this.#clock = clock;
    this.#cacheMs = cacheSeconds * 1000;
  }

  /** The live session stored under this key. */
  async resolve(sessionId: string | undefined): Promise<Session | undefined> {
    if (sessionId === undefined) return undefined;
    const now = this.#clock.now();
    const cached = this.#cache.get(sessionId);
    if (cached !== undefined) {
      if (cached.until > now && cached.session.expiresAt > now) return cached.session;
      this.#cache.delete(sessionId);
    }
    const session = await this.#store.get(sessionId);
    if (session !== undefined && this.#cacheMs > 0) {
      this.#cache.set(sessionId, { session, until: Math.min(now + this.#cacheMs, session.expiresAt) });
      if (this.#cache.size > 100_000) this.#evictExpired(now);
    }
    return session;
  }

  /** Forgets a cached session by its store key (session.revoked carries the key, never the cookie). */
  revoke(sessionId: string): void {
    this.#cache.delete(sessionId);
  }

  #evictExpired(now: number): void {
    for (const [id, entry] of this.#cache) if (entry.until <= now) this.#cache.delete(id);
  }
}

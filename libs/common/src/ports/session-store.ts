/** A logged-in user's Signal session; `uuid` is the peer id others address. */
export interface Session {
  /** Store key: `sessionKey(cookie value)`, so the database never holds the credential itself. */
  id: string;
  uuid: string;
  subject: string;
  uid: string;
  name: string;
  authSource: { name: string; code: string };
  /** `x-adapt-url` at login, kept for audit only. */
  adaptUrl?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; a session read at or after this instant does not exist. */
  expiresAt: number;
}

/**
 * Where sessions live. Every operation is made of point operations (no query) so that adapters
 * backed by a remote database cost a round trip or two each; `get`, the one on every request, is one.
 * Adapters throw `DependencyUnavailableError` when their backing service cannot answer.
 */
export interface SessionStore {
  /** Stores a new session, listed under its user; it lives until `session.expiresAt`. */
  create(session: Session): Promise<void>;
  /** The live session with this id, or undefined when missing or expired. */
  get(id: string): Promise<Session | undefined>;
  /** Removes the session of user `uuid` and its place in the user's list; true when a live one existed. Idempotent. */
  delete(id: string, uuid: string): Promise<boolean>;
  /** Ids of the user's live sessions, oldest first: for the per-user cap and logging out everywhere. */
  sessionsOf(uuid: string): Promise<string[]>;
  /** Resolves when the backing service answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

import { hash } from 'node:crypto';

/**
 * The store key of a session: a SHA-256 of the cookie value. The cookie is a bearer credential,
 * so it is never written to the database, its logs or trace URLs; a database reader cannot turn
 * a stored key back into a usable cookie. Computed on every authenticated request, so one-shot
 * (`hash` builds no Hash object: a quarter of `createHash`'s cost).
 */
export const sessionKey = (cookieValue: string): string => hash('sha256', cookieValue, 'base64url');

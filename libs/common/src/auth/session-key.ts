import { createHash } from 'node:crypto';

/**
 * The store key of a session: a SHA-256 of the cookie value. The cookie is a bearer credential,
 * so it is never written to the database, its logs or trace URLs; a database reader cannot turn
 * a stored key back into a usable cookie.
 */
export const sessionKey = (cookieValue: string): string => createHash('sha256').update(cookieValue).digest('base64url');

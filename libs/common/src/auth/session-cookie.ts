import type { IncomingMessage } from 'node:http';
import { readCookie } from '../http/cookies.ts';
import { sessionKey } from './session-key.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const keys = new WeakMap<IncomingMessage, string | undefined>();

/**
 * The store key of the session the request's cookie names, or undefined when there is no
 * well-formed session cookie. The rate limiter and the session check both ask on every request,
 * so the cookie is parsed and hashed once per request.
 */
export function sessionKeyOf(req: IncomingMessage, cookieName: string): string | undefined {
  if (keys.has(req)) return keys.get(req);
  const value = readCookie(req.headers.cookie, cookieName);
  const key = value !== undefined && UUID.test(value) ? sessionKey(value) : undefined;
  keys.set(req, key);
  return key;
}

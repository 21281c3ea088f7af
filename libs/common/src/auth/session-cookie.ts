import type { IncomingMessage } from 'node:http';
import { readCookies } from '../http/cookies.ts';
import type { Session } from '../ports/session-store.ts';
import type { SessionGate } from './session-gate.ts';
import { sessionKey } from './session-key.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A browser sends a handful of same-named cookies at most (one per Domain/Path it was set for);
 * past this many the request is refused outright rather than cost a store read per value.
 */
export const MAX_SESSION_COOKIES = 8;

const presented = new WeakMap<IncomingMessage, Promise<Session | undefined>>();

/**
 * The live session the request's session cookies name. A planted cookie beside the real one
 * (cookie tossing) must not lock the user out, and must not choose the session either: every
 * well-formed value is tried, and the request has a session only when exactly one of them is
 * live. The rate limiter and the session check both ask on every request, so the store is read
 * once per request.
 */
export function presentedSession(gate: SessionGate, req: IncomingMessage, cookieName: string): Promise<Session | undefined> {
  let session = presented.get(req);
  if (session === undefined) {
    session = theOneLive(gate, storeKeys(req.headers.cookie, cookieName));
    presented.set(req, session);
  }
  return session;
}

function storeKeys(header: string | undefined, cookieName: string): string[] {
  const values = new Set(readCookies(header, cookieName).filter((value) => UUID.test(value)));
  return values.size > MAX_SESSION_COOKIES ? [] : [...values].map(sessionKey);
}

function theOneLive(gate: SessionGate, keys: string[]): Promise<Session | undefined> {
  // The usual request carries one session cookie: no arrays to gather and filter.
  if (keys.length === 1) return gate.resolve(keys[0]);
  return Promise.all(keys.map((key) => gate.resolve(key))).then((sessions) => {
    const live = sessions.filter((session) => session !== undefined);
    return live.length === 1 ? live[0] : undefined;
  });
}

import type { Request, Response } from 'express';
import type { RequestValidators } from '@signal/common/api/validators';
import { presentedSession } from '@signal/common/auth/session-cookie';
import type { SessionGate } from '@signal/common/auth/session-gate';
import type { SessionConfig } from '@signal/common/config/config';
import { forbidden, unauthorized } from '@signal/common/errors';
import { fromAnotherSite } from '@signal/common/http/fetch-site';
import type { Metrics } from '@signal/common/observability/metrics';
import type { SessionStore } from '@signal/common/ports/session-store';
import { sessionCookieOptions } from '../domain/cookie-options.ts';
import type { EndSessions } from '../domain/end-sessions.ts';

export interface LogoutDeps {
  gate: SessionGate;
  sessions: SessionStore;
  endSessions: EndSessions;
  config: SessionConfig;
  logouts: Pick<Metrics['logouts'], 'inc'>;
  parseQuery: RequestValidators['logoutQuery'];
}

/**
 * GET /logout: the user is leaving SME Connect. Their session (with `?all=true`, every session
 * of theirs, for a stolen cookie elsewhere or a lost device) ends on every replica at once and
 * the cookie is removed; the 200 carries no body. `all=true` from another site is 403.
 */
export function logout({ gate, sessions, endSessions, config, logouts, parseQuery }: LogoutDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const { all } = parseQuery(req.query);
    // A link on any page would otherwise end every session of whoever follows it: the Lax cookie
    // rides along on a top-level navigation.
    if (all && fromAnotherSite(req)) throw forbidden('logout?all=true is refused from another site');
    const session = await presentedSession(gate, req, config.cookieName);
    if (session === undefined) throw unauthorized('Failed to logout');
    const ids = all ? await sessions.sessionsOf(session.uuid) : [session.id];
    // The presented session is ended even if the list missed it (it was written by a replica that crashed mid-login).
    const ended = await endSessions(session.uuid, ids.includes(session.id) ? ids : [...ids, session.id]);
    if (ended === 0) throw unauthorized('Failed to logout');
    logouts.inc(ended);
    res.clearCookie(config.cookieName, sessionCookieOptions(config));
    res.status(200).end();
  };
}

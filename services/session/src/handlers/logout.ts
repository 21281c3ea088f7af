import type { Request, Response } from 'express';
import { badRequest, unauthorized } from '@signal/common/errors';
import { sessionKeyOf } from '@signal/common/auth/session-cookie';
import type { Platform } from '@signal/common/runtime/platform';
import { sessionCookieOptions } from '../domain/cookie-options.ts';
import { endSessions } from '../domain/end-sessions.ts';

/** `all=true` ends every session of the user (a stolen cookie elsewhere, a lost device); absent ends this one. */
function everywhere(query: Request['query']): boolean {
  if (query.all === undefined) return false;
  if (query.all === 'true') return true;
  throw badRequest('Invalid all: only all=true is accepted');
}

/**
 * GET /logout: the user is leaving SME Connect. Their session (with `?all=true`, every session
 * of theirs) ends on every replica at once and the cookie is removed; the 200 carries no body.
 */
export function logout(platform: Platform) {
  const { config, stores, sessions, metrics } = platform;
  return async (req: Request, res: Response): Promise<void> => {
    const all = everywhere(req.query);
    const session = await sessions.resolve(sessionKeyOf(req, config.session.cookieName));
    if (session === undefined) throw unauthorized('Failed to logout');
    const ids = all ? await stores.sessions.sessionsOf(session.uuid) : [session.id];
    // The presented session is ended even if the list missed it (it was written by a replica that crashed mid-login).
    const ended = await endSessions(platform, session.uuid, ids.includes(session.id) ? ids : [...ids, session.id]);
    if (ended === 0) throw unauthorized('Failed to logout');
    metrics.logouts.inc(ended);
    res.clearCookie(config.session.cookieName, sessionCookieOptions(config.session));
    res.status(200).end();
  };
}

import type { Request, Response } from 'express';
import { unauthorized } from '@signal/common/errors';
import { sessionKeyOf } from '@signal/common/auth/session-cookie';
import type { Platform } from '@signal/common/runtime/platform';
import { sessionCookieOptions } from '../domain/cookie-options.ts';

/**
 * GET /logout: the user is leaving SME Connect. Their session ends on every replica at once
 * (session.revoked) and the cookie is removed; the 200 carries no body.
 */
export function logout(platform: Platform) {
  const { config, stores, sessions, events, metrics } = platform;
  return async (req: Request, res: Response): Promise<void> => {
    const session = await sessions.resolve(sessionKeyOf(req, config.session.cookieName));
    if (session === undefined || !(await stores.sessions.delete(session.id))) throw unauthorized('Failed to logout');
    await events.publish('session.revoked', { sessionId: session.id });
    metrics.logouts.inc();
    res.clearCookie(config.session.cookieName, sessionCookieOptions(config.session));
    res.status(200).end();
  };
}

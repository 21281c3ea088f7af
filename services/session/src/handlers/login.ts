import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { badRequest, HttpError, unauthorized } from '@signal/common/errors';
import type { Platform } from '@signal/common/runtime/platform';
import type { Session } from '@signal/common/ports/session-store';
import { sessionKey } from '@signal/common/auth/session-key';
import { identityFromClaims } from '../domain/identity.ts';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import { sessionCookieOptions } from '../domain/cookie-options.ts';
import { endSessions } from '../domain/end-sessions.ts';

const MAX_HEADER = 1024;

function adaptHeader(req: Request, name: string): string {
  const value = req.headers[name];
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > MAX_HEADER) throw badRequest(`Invalid ${name} header`);
  return value;
}

function bearerToken(req: Request): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (match?.[1] === undefined) throw unauthorized('Missing bearer token');
  return match[1];
}

/**
 * GET /login: the user holds a valid JWT from the auth service; Signal verifies it, creates a
 * session valid for SESSION_TTL_SECONDS and returns it as the session cookie plus the user's identity.
 */
export function login(platform: Platform, verify: TokenVerifier) {
  const { config, clock, stores, metrics } = platform;
  return async (req: Request, res: Response): Promise<void> => {
    let session: Session;
    const cookieValue = randomUUID();
    try {
      const claims = await verify(bearerToken(req));
      const identity = identityFromClaims(claims);
      if (identity === undefined) throw unauthorized('Token has no subject');
      const now = clock.now();
      session = {
        id: sessionKey(cookieValue),
        ...identity,
        authSource: { name: adaptHeader(req, 'x-adapt-host'), code: adaptHeader(req, 'x-adapt-handler') },
        adaptUrl: adaptHeader(req, 'x-adapt-url'),
        createdAt: now,
        expiresAt: now + config.session.ttlSeconds * 1000,
      };
      await stores.sessions.create(session);
      // Past SESSION_MAX_PER_USER the oldest go: logging in again must not be a way to hoard sessions.
      const live = await stores.sessions.sessionsOf(session.uuid);
      const excess = live.filter((id) => id !== session.id).slice(0, Math.max(0, live.length - config.session.maxPerUser));
      await endSessions(platform, session.uuid, excess);
    } catch (error) {
      metrics.logins.inc({ outcome: error instanceof HttpError ? 'invalid_token' : 'unavailable' });
      throw error;
    }
    metrics.logins.inc({ outcome: 'success' });
    res.cookie(config.session.cookieName, cookieValue, sessionCookieOptions(config.session, config.session.ttlSeconds * 1000));
    res.json({
      session: {
        auth_source: session.authSource,
        subject: session.subject,
        uid: session.uid,
        name: session.name,
        uuid: session.uuid,
      },
    });
  };
}

import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { LoginResponse } from '@signal/common/api/schemas';
import type { RequestValidators } from '@signal/common/api/validators';
import type { Clock } from '@signal/common/clock';
import type { SessionConfig } from '@signal/common/config/config';
import { HttpError, unauthorized } from '@signal/common/errors';
import { sendJson } from '@signal/common/http/json-response';
import type { Metrics } from '@signal/common/observability/metrics';
import type { Session, SessionStore } from '@signal/common/ports/session-store';
import { sessionKey } from '@signal/common/auth/session-key';
import { identityFromClaims } from '../domain/identity.ts';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import { sessionCookieOptions } from '../domain/cookie-options.ts';
import type { EndSessions } from '../domain/end-sessions.ts';

export interface LoginDeps {
  verify: TokenVerifier;
  sessions: SessionStore;
  endSessions: EndSessions;
  clock: Clock;
  config: SessionConfig;
  logins: Pick<Metrics['logins'], 'inc'>;
  parseHeaders: RequestValidators['loginHeaders'];
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
export function login({ verify, sessions, endSessions, clock, config, logins, parseHeaders }: LoginDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    let session: Session;
    const cookieValue = randomUUID();
    try {
      const claims = await verify(bearerToken(req));
      const identity = identityFromClaims(claims);
      if (identity === undefined) throw unauthorized('Token has no subject');
      const now = clock.now();
      const adapt = parseHeaders(req.headers);
      session = {
        id: sessionKey(cookieValue),
        ...identity,
        authSource: { name: adapt.host, code: adapt.handler },
        adaptUrl: adapt.url,
        createdAt: now,
        expiresAt: now + config.ttlSeconds * 1000,
      };
      await sessions.create(session);
      // Past SESSION_MAX_PER_USER the oldest go: logging in again must not be a way to hoard sessions.
      const live = await sessions.sessionsOf(session.uuid);
      const excess = live.filter((id) => id !== session.id).slice(0, Math.max(0, live.length - config.maxPerUser));
      await endSessions(session.uuid, excess);
    } catch (error) {
      logins.inc({ outcome: error instanceof HttpError ? 'invalid_token' : 'unavailable' });
      throw error;
    }
    logins.inc({ outcome: 'success' });
    res.cookie(config.cookieName, cookieValue, sessionCookieOptions(config, config.ttlSeconds * 1000));
    const body: LoginResponse = {
      session: {
        auth_source: session.authSource,
        subject: session.subject,
        uid: session.uid,
        name: session.name,
        uuid: session.uuid,
      },
    };
    sendJson(res, body);
  };
}

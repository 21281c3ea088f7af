import type { NextFunction, Request, Response } from 'express';
import type { PeerId, SessionId } from '../api/ids.ts';
import { unauthorized } from '../errors.ts';
import type { Session } from '../ports/session-store.ts';
import { presentedSession } from './session-cookie.ts';
import type { SessionGate } from './session-gate.ts';

/** A session the check let through, its ids typed: `uuid` is the peer, `id` the store key. */
export type LiveSession = Session & { id: SessionId; uuid: PeerId };

declare global {
  namespace Express {
    interface Locals {
      session: LiveSession;
    }
  }
}

/** Lets a request through only with the cookie of a live session, which it puts in res.locals. */
export function requireSession(gate: SessionGate, cookieName: string) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await presentedSession(gate, req, cookieName);
    if (session === undefined) throw unauthorized('Not logged in');
    // Where stored ids become typed: only login writes sessions, from a checked identity.
    res.locals.session = session as LiveSession;
    next();
  };
}

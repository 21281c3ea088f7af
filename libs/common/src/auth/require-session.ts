import type { NextFunction, Request, Response } from 'express';
import { unauthorized } from '../errors.ts';
import type { Session } from '../ports/session-store.ts';
import { sessionKeyOf } from './session-cookie.ts';
import type { SessionGate } from './session-gate.ts';

declare global {
  namespace Express {
    interface Locals {
      session: Session;
    }
  }
}

/** Lets a request through only with the cookie of a live session, which it puts in res.locals. */
export function requireSession(gate: SessionGate, cookieName: string) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await gate.resolve(sessionKeyOf(req, cookieName));
    if (session === undefined) throw unauthorized('Not logged in');
    res.locals.session = session;
    next();
  };
}

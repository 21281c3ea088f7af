import type { Request, Response } from 'express';
import type { SdpExchange } from '../domain/sdp-exchange.ts';
import { parseExpireRequest } from '../domain/validation.ts';

/**
 * POST /expire: clears old SDPs of one type between the user and a peer in a room (both
 * directions), typically when the user joins a room again. Idempotent.
 */
export function expire(exchange: SdpExchange) {
  return async (req: Request, res: Response): Promise<void> => {
    await exchange.expire(res.locals.session.uuid, parseExpireRequest(req.body));
    res.json({ body: true });
  };
}

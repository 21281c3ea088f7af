import type { Request, Response } from 'express';
import type { RequestValidators } from '@signal/common/api/validators';
import type { HandshakeTimer } from '../domain/handshake-timer.ts';
import type { SdpExchange } from '../domain/sdp-exchange.ts';

/**
 * POST /expire: clears old SDPs of one type between the user and a peer in a room (both
 * directions), typically when the user joins a room again. Idempotent.
 */
export function expire(exchange: SdpExchange, timer: HandshakeTimer, parse: RequestValidators['expireRequest']) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = parse(req.body);
    await exchange.expire(res.locals.session.uuid, request);
    timer.expired(request.room.uuid, request.type, request.source, request.destination);
    res.json({ body: true });
  };
}

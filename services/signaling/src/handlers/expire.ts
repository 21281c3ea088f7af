import type { Request, Response } from 'express';
import type { RequestValidators } from '@signal/common/api/validators';
import { ACCEPTED, sendJsonText } from '@signal/common/http/json-response';
import type { SdpExchange } from '../domain/sdp-exchange.ts';

/**
 * POST /expire: clears old SDPs of one type between the user and a peer in a room (both
 * directions), typically when the user joins a room again. Idempotent. The query's optional
 * `room` must be the body's room.
 */
export function expire(exchange: SdpExchange, validate: Pick<RequestValidators, 'expireRequest' | 'postQuery'>) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = validate.expireRequest(req.body);
    validate.postQuery(req.query, request.room);
    await exchange.expire(res.locals.session.uuid, request);
    sendJsonText(res, ACCEPTED);
  };
}

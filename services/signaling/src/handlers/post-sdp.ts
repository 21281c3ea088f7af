import type { Request, Response } from 'express';
import type { RequestValidators } from '@signal/common/api/validators';
import { ACCEPTED, sendJsonText } from '@signal/common/http/json-response';
import type { SdpType } from '../store/sdp-store.ts';
import type { SdpExchange } from '../domain/sdp-exchange.ts';

/**
 * POST /offer and POST /answer: the logged-in user sends an SDP to a peer in a room. It is stored
 * (replacing an earlier one) for the peer to read; the sender is always the session's user. The
 * query's optional `room` (what a room-affine ingress routes on) must be the body's room.
 */
export function postSdp(type: SdpType, exchange: SdpExchange, validate: Pick<RequestValidators, 'sdpSubmission' | 'postQuery'>) {
  return async (req: Request, res: Response): Promise<void> => {
    const submission = validate.sdpSubmission(req.body);
    validate.postQuery(req.query, submission.room);
    await exchange.submit(type, res.locals.session.uuid, submission);
    sendJsonText(res, ACCEPTED);
  };
}

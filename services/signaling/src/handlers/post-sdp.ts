import type { Request, Response } from 'express';
import type { SdpType } from '@signal/common/ports/sdp-store';
import type { HandshakeTimer } from '../domain/handshake-timer.ts';
import type { SdpExchange } from '../domain/sdp-exchange.ts';
import { parseSdpSubmission } from '../domain/validation.ts';

/**
 * POST /offer and POST /answer: the logged-in user sends an SDP to a peer in a room. It is stored
 * (replacing an earlier one) for the peer to read; the sender is always the session's user.
 */
export function postSdp(type: SdpType, exchange: SdpExchange, timer: HandshakeTimer, maxBytes: number) {
  return async (req: Request, res: Response): Promise<void> => {
    const submission = parseSdpSubmission(req.body, maxBytes);
    timer.posted(await exchange.submit(type, res.locals.session.uuid, submission));
    res.json({ body: true });
  };
}

import type { Request, Response } from 'express';
import type { StoredSdp } from '@signal/common/api/schemas';
import type { RequestValidators } from '@signal/common/api/validators';
import type { SdpType } from '../store/sdp-store.ts';
import type { SdpExchange } from '../domain/sdp-exchange.ts';

/**
 * GET /offer and GET /answer: the user asks for the SDP a peer (signalId) sent them in a room.
 * 200 with {from, sdp} when there is one, 204 when not; with `wait` the request long-polls.
 */
const CLIENT_GONE = new Error('client closed the connection');

export function getSdp(type: SdpType, exchange: SdpExchange, parse: RequestValidators['sdpQuery']) {
  return async (req: Request, res: Response): Promise<void> => {
    const query = parse(req.query);
    res.locals.longPoll = query.waitSeconds > 0;
    const { session } = res.locals;
    const gone = new AbortController();
    // Only a request that is still unanswered has a client to lose; aborting after the response
    // would build a DOMException for nothing on every request.
    res.once('close', () => res.writableFinished || gone.abort(CLIENT_GONE));
    const record = await exchange.read(type, session.uuid, query, gone.signal);
    if (gone.signal.aborted) return;
    if (record === undefined) {
      res.status(204).end();
      return;
    }
    exchange.delivered(record);
    res.set('Cache-Control', 'no-store').json({ from: record.from, sdp: record.sdp } satisfies StoredSdp);
  };
}

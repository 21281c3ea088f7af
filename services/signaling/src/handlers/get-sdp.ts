import type { NextFunction, Request, Response } from 'express';
import type { StoredSdp } from '@signal/common/api/schemas';
import type { RequestValidators } from '@signal/common/api/validators';
import { sendJson } from '@signal/common/http/json-response';
import type { SdpRecord, SdpType } from '../store/sdp-store.ts';
import type { SdpExchange } from '../domain/sdp-exchange.ts';
import type { ClientLine } from '../domain/waiters.ts';

/** A request that does not wait has no client to lose (frozen: it is never parked). */
const STAYS: ClientLine = Object.freeze({ aborted: false, onabort: null });

/**
 * The client of a long-poll, told when the response closes unanswered. A plain object and one
 * listener: this is held for as long as the request waits, by thousands of requests at once.
 */
function clientOf(res: Response): ClientLine {
  const client = { aborted: false, onabort: null as (() => void) | null };
  // 'close' comes once per response, so `on` does: `once` would add a wrapper per request.
  res.on('close', () => {
    if (res.writableFinished) return;
    client.aborted = true;
    client.onabort?.();
  });
  return client;
}

/** The answer once the read is done: nothing if the client left, 204 without an SDP, else the SDP. */
function answer(res: Response, exchange: SdpExchange, record: SdpRecord | undefined): void {
  // Closed before an answer was written: the client left.
  if (res.closed) return;
  if (record === undefined) {
    res.status(204).end();
    return;
  }
  exchange.delivered(record);
  res.setHeader('Cache-Control', 'no-store');
  sendJson(res, { from: record.from, sdp: record.sdp } satisfies StoredSdp);
}

/**
 * GET /offer and GET /answer: the user asks for the SDP a peer (signalId) sent them in a room.
 * 200 with {from, sdp} when there is one, 204 when not; with `wait` the request long-polls.
 * Not an async function: while it waits, a request then holds two promise reactions rather than a
 * suspended frame and Express's handling of the promise an async handler returns.
 */
export function getSdp(type: SdpType, exchange: SdpExchange, parse: RequestValidators['sdpQuery']) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const query = parse(req.query);
    const waits = query.waitSeconds > 0;
    res.locals.longPoll = waits;
    exchange
      .read(type, res.locals.session.uuid, query, waits ? clientOf(res) : STAYS)
      .then((record) => answer(res, exchange, record))
      .catch(next);
  };
}

import type { Request, Response } from 'express';
import type { Clock } from '@signal/common/clock';
import type { TurnConfig } from '@signal/common/config/config';
import { sendJson } from '@signal/common/http/json-response';
import { iceConfig } from '../domain/ice-config.ts';

export interface IceServersDeps {
  turn: TurnConfig;
  clock: Clock;
  /** Counts the TURN credentials handed out. */
  credentialsIssued: { inc(): void };
}

/**
 * GET /ice_servers: the first call when joining a room. Returns the ICE servers with TURN
 * credentials valid for TURN_CREDENTIAL_TTL_SECONDS (named for the caller under
 * TURN_USERNAME=peer), JSON-encoded into a JSON string as the
 * existing clients expect.
 */
export function iceServers({ turn, clock, credentialsIssued }: IceServersDeps) {
  return (_req: Request, res: Response): void => {
    const document = iceConfig(turn, res.locals.session.uuid, clock.now());
    if (turn.urls.length > 0) credentialsIssued.inc();
    res.setHeader('Cache-Control', 'no-store');
    sendJson(res, JSON.stringify(document));
  };
}

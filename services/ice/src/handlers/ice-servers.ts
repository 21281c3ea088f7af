import type { Request, Response } from 'express';
import type { Platform } from '@signal/common/runtime/platform';
import { iceConfig } from '../domain/ice-config.ts';

/**
 * GET /ice_servers: the first call when joining a room. Returns the ICE servers with TURN
 * credentials valid for TURN_CREDENTIAL_TTL_SECONDS, JSON-encoded into a JSON string as the
 * existing clients expect.
 */
export function iceServers(platform: Platform) {
  const { config, clock, metrics } = platform;
  return (_req: Request, res: Response): void => {
    const document = iceConfig(config.turn, clock.now());
    if (config.turn.urls.length > 0) metrics.turnCredentialsIssued.inc();
    res.set('Cache-Control', 'no-store').json(JSON.stringify(document));
  };
}

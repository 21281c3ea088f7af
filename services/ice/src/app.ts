import { Router } from 'express';
import { requireSession } from '@signal/common/auth/require-session';
import type { ServiceModule } from '@signal/common/http/create-app';
import type { Platform } from '@signal/common/runtime/platform';
import { iceServers } from './handlers/ice-servers.ts';

/** The ICE service: hands logged-in users the servers and TURN credentials to connect through. */
export function iceService(platform: Platform): ServiceModule {
  const { config, clock, metrics, sessions } = platform;
  const router = Router();
  router.get(
    '/ice_servers',
    requireSession(sessions, config.session.cookieName),
    iceServers({ turn: config.turn, clock, credentialsIssued: metrics.turnCredentialsIssued }),
  );
  return { name: 'ice', paths: ['/ice_servers'], router };
}

import { Router } from 'express';
import { compileRequestValidators } from '@signal/common/api/validators';
import type { ServiceModule } from '@signal/common/http/create-app';
import type { Platform } from '@signal/common/runtime/platform';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { login } from './handlers/login.ts';
import { logout } from './handlers/logout.ts';
import { sessionEnder } from './domain/end-sessions.ts';

/** The session service: turns upstream JWTs into Signal sessions and ends them. */
export function sessionService(platform: Platform): ServiceModule {
  const { config, clock, stores, events, metrics } = platform;
  if (config.auth === undefined) throw new Error('the session service needs AUTH_JWT_* configuration');
  const validate = compileRequestValidators(config.signaling);
  const endSessions = sessionEnder(stores.sessions, events);
  const session = { sessions: stores.sessions, endSessions, config: config.session };
  const router = Router();
  router.get('/login', login({ ...session, verify: createTokenVerifier(config.auth, clock), clock, logins: metrics.logins, parseHeaders: validate.loginHeaders }));
  router.get('/logout', logout({ ...session, gate: platform.sessions, logouts: metrics.logouts, parseQuery: validate.logoutQuery }));
  return { name: 'session', paths: ['/login', '/logout'], router };
}

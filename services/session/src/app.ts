import { Router } from 'express';
import type { ServiceModule } from '@signal/common/http/create-app';
import type { Platform } from '@signal/common/runtime/platform';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { login } from './handlers/login.ts';
import { logout } from './handlers/logout.ts';

/** The session service: turns upstream JWTs into Signal sessions and ends them. */
export function sessionService(platform: Platform): ServiceModule {
  const auth = platform.config.auth;
  if (auth === undefined) throw new Error('the session service needs AUTH_JWT_* configuration');
  const router = Router();
  router.get('/login', login(platform, createTokenVerifier(auth, platform.clock)));
  router.get('/logout', logout(platform));
  return { name: 'session', paths: ['/login', '/logout'], router };
}

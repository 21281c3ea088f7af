import type { CookieOptions } from 'express';
import type { SessionConfig } from '@signal/common/config/config';

/** Session cookie attributes: script-proof, same-site, HTTPS-only unless turned off for local http. */
export function sessionCookieOptions(config: SessionConfig, maxAgeMs?: number): CookieOptions {
  return {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'lax',
    ...(config.cookieDomain !== undefined ? { domain: config.cookieDomain } : {}),
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}

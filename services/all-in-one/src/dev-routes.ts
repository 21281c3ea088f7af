import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import jwt from 'jsonwebtoken';
import { v5 as uuidv5 } from 'uuid';
import type { Platform } from '@signal/common/runtime/platform';

const DEMO_DIR = fileURLToPath(new URL('../public/demo/', import.meta.url));
/** What /dev/token's tokens carry, for a session service that pins them (the local cluster's). */
export const DEV_ISSUER = 'signal-dev';
export const DEV_AUDIENCE = 'signal-dev';
const DEV_NAMESPACE = '6f1d8f54-3f0e-4d3c-9a43-6a0d5c0b7e21';
const NAME = /^[A-Za-z0-9 ._-]{1,64}$/;

/**
 * Only in dev mode (no AUTH_JWT_* configured): /dev/token mints a short-lived JWT signed with the
 * throw-away secret so a person can try the API with curl or the /demo/ page.
 */
export function devRoutes(platform: Platform) {
  return (app: Express): void => {
    const auth = platform.config.auth;
    if (auth?.mode !== 'dev') return;
    devTokenAndDemo({ secret: auth.secret, cookieSecure: platform.config.session.cookieSecure })(app);
  };
}

/**
 * /dev/token and /demo/ for a JWT secret the session service trusts: the all-in-one process's
 * own throw-away secret, or the one `npm run start:cluster` hands its session pod, where this
 * stands in for the upstream auth service.
 */
export function devTokenAndDemo(options: { secret: string; cookieSecure: boolean }) {
  return (app: Express): void => {
    app.get('/dev/token', (req, res) => {
      const name = typeof req.query.name === 'string' ? req.query.name : '';
      if (!NAME.test(name)) {
        res.status(400).json({ body: 'Invalid name: 1-64 letters, digits, spaces, dots, dashes or underscores' });
        return;
      }
      const subject = name.toLowerCase().replaceAll(' ', '-');
      const token = jwt.sign(
        { sub: subject, name, preferred_username: `${subject}@dev.local`, uuid: uuidv5(subject, DEV_NAMESPACE) },
        options.secret,
        { algorithm: 'HS256', expiresIn: '1h', issuer: DEV_ISSUER, audience: DEV_AUDIENCE },
      );
      res.set('Cache-Control', 'no-store').json({ token });
    });
    // A page, unlike the API, needs a document policy; over plain local http
    // (SESSION_COOKIE_SECURE=false) upgrade-insecure-requests would send its requests to an https
    // port that does not exist.
    const pagePolicy = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: options.cookieSecure ? [] : null } } });
    app.use('/demo', pagePolicy, express.static(DEMO_DIR, { index: 'index.html' }));
    // The URL `npm start` prints is where a person lands first; the API has nothing at `/`.
    app.get('/', (_req, res) => res.redirect(302, '/demo/'));
  };
}

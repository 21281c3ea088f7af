import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * CORS for the SME Connect front end only. An origin on the list gets Access-Control-Allow-Origin
 * (itself, never `*`) and Allow-Credentials, so the browser may send the session cookie; any
 * other origin gets no CORS header at all, not even Allow-Credentials. Every answer varies on
 * Origin, so a shared cache never hands one origin's answer to another.
 */
export function corsAllowList(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  // Preflights continue so the rate limiter counts them; the OPTIONS route answers them.
  const reflect = cors({ origin: true, credentials: true, maxAge: 600, preflightContinue: true });
  return (req, res, next) => {
    res.vary('Origin');
    const { origin } = req.headers;
    if (origin !== undefined && allowed.has(origin)) reflect(req, res, next);
    else next();
  };
}

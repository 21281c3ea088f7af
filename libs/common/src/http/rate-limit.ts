import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { presentedSession } from '../auth/session-cookie.ts';
import type { SessionGate } from '../auth/session-gate.ts';
import type { Config } from '../config/config.ts';
import type { Metrics } from '../observability/metrics.ts';
import { clientKey } from './client-address.ts';

const WINDOW_MS = 60_000;
/**
 * Probes and scrapes come from the platform, not from clients; refusing them would restart healthy
 * pods. They are GETs: any other method on these paths is a client's and counts.
 */
const OPERATIONAL_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

type Scope = 'ip' | 'session';

interface LimiterOptions {
  scope: Scope;
  limit: number;
  skip: (req: Request) => boolean | Promise<boolean>;
  keyGenerator?: (req: Request) => string | Promise<string>;
}

/**
 * One fixed one-minute window per key, counted by express-rate-limit's memory store: each replica
 * counts alone, so a cluster admits up to (limit x replicas) per key, which docs/security.md
 * explains. Refusals carry Retry-After (seconds to the window's end) and the RateLimit headers.
 */
function limiter(options: LimiterOptions, metrics: Metrics, logger: Logger): RequestHandler {
  const { scope, limit, skip, keyGenerator } = options;
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: scope,
    skip,
    ...(keyGenerator !== undefined ? { keyGenerator } : {}),
    logger,
    handler: (_req, res) => {
      metrics.rateLimited.inc({ scope });
      res.status(429).json({ body: 'Too many requests' });
    },
  });
}

/**
 * Per client IP (X-Forwarded-For believed only for TRUST_PROXY hops, ports and brackets stripped,
 * IPv6 grouped by /56 as the library does: client-address.ts) on every path but the operational ones, then per session on requests that carry
 * the cookie of a live session. A limit of 0 turns its limiter off.
 */
export function rateLimits(config: Config, gate: SessionGate, metrics: Metrics, logger: Logger): RequestHandler[] {
  const operational = (req: Request) => req.method === 'GET' && OPERATIONAL_PATHS.has(req.path);
  const handlers: RequestHandler[] = [];
  const { perIpPerMinute, perSessionPerMinute } = config.limits;
  if (perIpPerMinute > 0) {
    handlers.push(limiter({ scope: 'ip', limit: perIpPerMinute, skip: operational, keyGenerator: clientKey }, metrics, logger));
  }
  if (perSessionPerMinute > 0) {
    // Keyed by the live session, not by the cookie values sent: an extra made-up cookie beside the
    // real one must not open a fresh bucket. The key is the store's digest, so the cookie, a bearer
    // credential, is never a key in the limiter's memory nor in the library's debug output.
    const key = async (req: Request) => (await presentedSession(gate, req, config.session.cookieName))?.id;
    const skip = async (req: Request) => operational(req) || (await key(req)) === undefined;
    handlers.push(limiter({ scope: 'session', limit: perSessionPerMinute, skip, keyGenerator: async (req) => (await key(req)) ?? '' }, metrics, logger));
  }
  return handlers;
}

import { hash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { presentedSession } from '../auth/session-cookie.ts';
import type { SessionGate } from '../auth/session-gate.ts';
import type { Config } from '../config/config.ts';
import type { Metrics } from '../observability/metrics.ts';
import { clientKey } from './client-address.ts';

const WINDOW_MS = 60_000;
const WINDOW_SECONDS = WINDOW_MS / 1000;
/**
 * Probes and scrapes come from the platform, not from clients; refusing them would restart healthy
 * pods. They are GETs: any other method on these paths is a client's and counts.
 */
const OPERATIONAL_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

type Scope = 'ip' | 'session';

interface Window {
  hits: number;
  endsAt: number;
  /** The RateLimit-Policy value, partition key included: computed once per window, not per request. */
  policy: string;
}

/**
 * The partition key of the RateLimit-Policy header (IETF draft 8), as express-rate-limit writes it:
 * 12 hex digits of the key's SHA-256, base64-encoded. It tells a client which bucket counted it
 * without revealing the key (an address, or a session's store key).
 */
const partitionKey = (key: string) => Buffer.from(hash('sha256', key, 'hex').slice(0, 12)).toString('base64');

/**
 * One fixed one-minute window per key, starting at the key's first request, counted in this
 * process's memory: each replica counts alone, so a cluster admits up to (limit x replicas) per
 * key, which docs/security.md explains. Keys idle for a whole window are dropped: every minute the
 * keys not seen since the last sweep go.
 */
class FixedWindows {
  #current = new Map<string, Window>();
  #previous = new Map<string, Window>();
  #sweepAt = Date.now() + WINDOW_MS;
  readonly #scope: Scope;
  readonly #limit: number;

  constructor(scope: Scope, limit: number) {
    this.#scope = scope;
    this.#limit = limit;
  }

  hit(key: string, now: number): Window {
    if (now >= this.#sweepAt) {
      this.#previous = this.#current;
      this.#current = new Map();
      this.#sweepAt = now + WINDOW_MS;
    }
    let window = this.#current.get(key) ?? this.#previous.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + WINDOW_MS, policy: `"${this.#scope}"; q=${this.#limit}; w=${WINDOW_SECONDS}; pk=:${partitionKey(key)}:` };
    }
    this.#current.set(key, window);
    window.hits += 1;
    return window;
  }
}

interface LimiterOptions {
  scope: Scope;
  limit: number;
  /** The request's key, or undefined when this limit does not apply to it. */
  keyOf: (req: Request) => string | undefined | Promise<string | undefined>;
}

/**
 * Counts the request in its key's window and says so in the RateLimit and RateLimit-Policy headers
 * (IETF draft 8, one value per limit that applies); past the limit, 429 with Retry-After (seconds
 * to the window's end).
 */
function limiter({ scope, limit, keyOf }: LimiterOptions, metrics: Metrics): RequestHandler {
  const windows = new FixedWindows(scope, limit);
  const count = (key: string, res: Response): boolean => {
    const now = Date.now();
    const window = windows.hit(key, now);
    const resetSeconds = Math.max(0, Math.ceil((window.endsAt - now) / 1000));
    res.appendHeader('RateLimit', `"${scope}"; r=${Math.max(limit - window.hits, 0)}; t=${resetSeconds}`);
    res.appendHeader('RateLimit-Policy', window.policy);
    if (window.hits <= limit) return true;
    metrics.rateLimited.inc({ scope });
    res.setHeader('Retry-After', String(resetSeconds));
    res.status(429).json({ body: 'Too many requests' });
    return false;
  };
  return (req, res, next) => {
    const key = keyOf(req);
    if (typeof key === 'string' || key === undefined) {
      if (key === undefined || count(key, res)) next();
      return;
    }
    key
      .then((resolved) => {
        if (resolved === undefined || count(resolved, res)) next();
      })
      .catch(next);
  };
}

/**
 * Per client IP (X-Forwarded-For believed only for TRUST_PROXY hops, ports and brackets stripped,
 * IPv6 grouped by /56: client-address.ts) on every path but the operational ones, then per session
 * on requests that carry the cookie of a live session. A limit of 0 turns its limiter off.
 */
export function rateLimits(config: Config, gate: SessionGate, metrics: Metrics): RequestHandler[] {
  const operational = (req: Request) => req.method === 'GET' && OPERATIONAL_PATHS.has(req.path);
  const handlers: RequestHandler[] = [];
  const { perIpPerMinute, perSessionPerMinute } = config.limits;
  if (perIpPerMinute > 0) {
    handlers.push(limiter({ scope: 'ip', limit: perIpPerMinute, keyOf: (req) => (operational(req) ? undefined : clientKey(req)) }, metrics));
  }
  if (perSessionPerMinute > 0) {
    // Keyed by the live session, not by the cookie values sent: an extra made-up cookie beside the
    // real one must not open a fresh bucket. The key is the store's digest, so the cookie, a bearer
    // credential, is never a key in the limiter's memory.
    const keyOf = async (req: Request) => (operational(req) ? undefined : (await presentedSession(gate, req, config.session.cookieName))?.id);
    handlers.push(limiter({ scope: 'session', limit: perSessionPerMinute, keyOf }, metrics));
  }
  return handlers;
}

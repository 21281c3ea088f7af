import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import { RefusalSummary } from '../observability/refusal-summary.ts';
import { clientAddress } from './client-address.ts';

declare global {
  namespace Express {
    interface Locals {
      requestId: string;
      /** Set by a handler that was asked to wait (a long-poll): its duration is waiting by design. */
      longPoll?: boolean;
    }
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestContextOptions {
  metrics: Metrics;
  logger: Logger;
  /** Which service serves a route template: the `service` label. */
  serviceOf: ReadonlyMap<string, string>;
  /** The route template of a request path, known before any route handler runs. */
  routeOf: (path: string) => string | undefined;
  /** Label for requests no service route matched (health, 404s). */
  fallbackService: string;
  isShuttingDown: () => boolean;
}

/** nginx's "client closed request": the client left before its answer was written. */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * The per-request bookkeeping every answer needs, in one middleware to keep the hot path short:
 * a request id (the caller's when harmless), `Connection: close` while draining (keep-alive
 * clients then reconnect to a replica that stays), and, when the response is done or the client
 * went away, the duration metric and one log line: error level for 5xx, debug level otherwise.
 * Only method, path and status are logged, never headers, query strings or bodies. Refusals (4xx,
 * 429 and 499 included) are summed up at info once a minute (refusal-summary.ts), so a flood or a
 * broken client is visible at the default level without a line per request.
 *
 * The metric's labels say what happened, whoever answered: `route` is the template of the path
 * even when a rate limit, the session check or the body parser answered before the route handler
 * (never a raw path, so ids cannot leak into label values; `unmatched` only for paths Signal does
 * not serve); `status` is 499 when the client left first (an abandoned long-poll, say) rather than
 * the 200 nobody received; `longpoll` is "true" for requests asked to wait, so latency panels and
 * SLIs can leave out time spent waiting by design.
 */
export function requestContext(options: RequestContextOptions) {
  const { metrics, logger, serviceOf, routeOf, fallbackService, isShuttingDown } = options;
  const refusals = new RefusalSummary({ line: (fields, message) => logger.info(fields, message) });
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    if (isShuttingDown()) res.setHeader('Connection', 'close');
    const started = performance.now();
    // 'close' comes once per response: `on`, since `once` wraps each listener for as long as a long-poll waits.
    res.on('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(req.path) ?? 'unmatched';
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST;
      metrics.httpDurations.observe(seconds, serviceOf.get(route) ?? fallbackService, req.method, route, status, res.locals.longPoll === true);
      // Set only once the session check let the request through (require-session.ts).
      const session = res.locals.session as { id: string; uuid: string } | undefined;
      if (session !== undefined) metrics.activeSessions.seen(session.id);
      if (status >= 400 && status < 500) refusals.record(status, route, session === undefined ? `address ${clientAddress(req)}` : `peer ${session.uuid}`);
      const level = status >= 500 ? 'error' : 'debug';
      if (logger.isLevelEnabled(level)) {
        logger[level]({ requestId: id, method: req.method, path: req.path, route, status, ms: Math.round(seconds * 1000), finished: res.writableFinished }, 'request');
      }
      // Node keeps a keep-alive connection's last request (its parser's `incoming`) until the next
      // request on it; through Express's links from it the answer (headers, locals, the routers'
      // closures) lived that long too, into the old generation: 14 % of what young collections copied.
      req.res = undefined;
      req.next = undefined;
    });
    next();
  };
}

import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';

declare global {
  namespace Express {
    interface Locals {
      requestId: string;
    }
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestContextOptions {
  metrics: Metrics;
  logger: Logger;
  /** Which service serves a route template: the `service` label. */
  serviceOf: ReadonlyMap<string, string>;
  /** Label for requests no service route matched (health, 404s). */
  fallbackService: string;
  isShuttingDown: () => boolean;
}

/**
 * The per-request bookkeeping every answer needs, in one middleware to keep the hot path short:
 * a request id (the caller's when harmless), `Connection: close` while draining (keep-alive
 * clients then reconnect to a replica that stays), and, when the response is done or the client
 * went away, the duration metric labelled by route template (never a raw path, so ids cannot
 * leak into label values) and one log line: error level for 5xx, debug level otherwise. Only
 * method, path and status are logged, never headers, query strings or bodies.
 */
export function requestContext(options: RequestContextOptions) {
  const { metrics, logger, serviceOf, fallbackService, isShuttingDown } = options;
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    if (isShuttingDown()) res.setHeader('Connection', 'close');
    const started = performance.now();
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      const status = res.statusCode;
      metrics.httpDuration.observe({ service: serviceOf.get(route) ?? fallbackService, method: req.method, route, status: String(status) }, seconds);
      const level = status >= 500 ? 'error' : 'debug';
      if (logger.isLevelEnabled(level)) {
        logger[level]({ requestId: id, method: req.method, path: req.path, route, status, ms: Math.round(seconds * 1000), finished: res.writableFinished }, 'request');
      }
    });
    next();
  };
}

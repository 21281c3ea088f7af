import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '../observability/metrics.ts';

declare global {
  namespace Express {
    interface Locals {
      /** Which service's router handled the request: the `service` metric label. */
      service: string;
      requestId: string;
    }
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Keeps a caller's request id when it is harmless, else makes one, and echoes it back. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}

/**
 * Records request duration once the response is done or the client went away. The route label is
 * the matched template (never a raw path, so ids cannot leak into label values).
 */
export function requestMetrics(metrics: Metrics, fallbackService: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.once('close', () => {
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      end({ service: res.locals.service ?? fallbackService, method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/** Tags every request that reaches this service's router with its name. */
export function tagService(service: string) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.locals.service = service;
    next();
  };
}

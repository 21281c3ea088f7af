import type { NextFunction, Request, RequestHandler, Response } from 'express';

const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * Calls `handlers[index]` and, as it passes the request on, the ones after it, as Express calls
 * the handlers of consecutive app layers: a handler's error (thrown, passed to `next`, or a
 * rejected promise) skips the rest and goes to `next`; `next('route')` goes on to the next one;
 * `next('router')` leaves with it, for the app's router to act on.
 */
export function runInSequence(handlers: readonly RequestHandler[], index: number, req: Request, res: Response, next: NextFunction): void {
  const handler = handlers[index];
  if (handler === undefined) {
    next();
    return;
  }
  const onward = (error?: unknown) => {
    if (!error || error === 'route') runInSequence(handlers, index + 1, req, res, next);
    else next(error);
  };
  try {
    const returned: unknown = handler(req, res, onward);
    if (isThenable(returned)) returned.then(undefined, (error: unknown) => next(error || new Error('Rejected promise')));
  } catch (error) {
    next(error);
  }
}

/**
 * Middleware that every request meets, one after the other, as one app layer: Express's router
 * spends a match, a params object and a closure on each layer of each request, which is a handful
 * of layers' worth of work with no routing decision in it.
 */
export function inSequence(handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => runInSequence(handlers, 0, req, res, next);
}

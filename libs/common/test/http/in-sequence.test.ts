/**
 * Middleware run in sequence as one layer answers every request as one `app.use` per middleware
 * does: two apps built from the same middleware, one each way, are asked the same requests and
 * compared. The middleware, picked by the request's `x-case` header, throw, pass errors, reject,
 * answer, pass on later, or leave with `next('route')` and `next('router')`.
 */
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { inSequence } from '../../src/http/in-sequence.ts';
import { expectSameAnswers } from './same-answers.ts';

const is = (req: Request, name: string) => req.headers['x-case'] === name;

function middleware(): RequestHandler[] {
  return [
    (_req, res, next) => {
      res.setHeader('X-First', 'yes');
      next();
    },
    (req, res, next) => {
      if (is(req, 'throw')) throw new Error('thrown');
      if (is(req, 'next-error')) return next(new Error('passed'));
      if (is(req, 'answer')) return void res.status(202).json({ body: 'answered' });
      if (is(req, 'route')) return next('route');
      if (is(req, 'router')) return next('router');
      if (is(req, 'falsy')) return next(0 as unknown as Error);
      next();
    },
    async (req, res, next) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (is(req, 'reject')) throw new Error('rejected');
      if (is(req, 'reject-empty')) return Promise.reject(undefined);
      res.setHeader('X-Third', 'yes');
      next();
    },
    (req, res, next) => {
      if (is(req, 'later')) setTimeout(() => next(new Error('later')), 5);
      else next();
    },
  ];
}

function app(mount: (app: Express, handlers: RequestHandler[]) => void): Express {
  const built = express();
  built.set('etag', false);
  mount(built, middleware());
  built.get('/x', (_req, res) => res.json({ body: 'route' }));
  built.use((_req, res) => res.status(404).json({ body: 'none' }));
  built.use((error: Error, _req: Request, res: Response, _next: NextFunction) => res.status(500).json({ body: error.message }));
  return built;
}

const CASES = ['none', 'throw', 'next-error', 'answer', 'route', 'router', 'falsy', 'reject', 'reject-empty', 'later'];

test('middleware in one layer answers each request as one app.use per middleware does', async () => {
  await expectSameAnswers(
    app((built, handlers) => handlers.forEach((handler) => built.use(handler))),
    app((built, handlers) => built.use(inSequence(handlers))),
    CASES.flatMap((name) => ['/x', '/y'].map((path) => ({ path, headers: { 'x-case': name } }))),
  );
});

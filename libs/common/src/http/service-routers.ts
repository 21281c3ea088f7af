import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { normalised } from './allowed-methods.ts';
import { runInSequence } from './in-sequence.ts';

interface Layer {
  route?: { path: string | string[] };
  match(path: string): unknown;
}

const stackOf = (router: Router) => (router as unknown as { stack: Layer[] }).stack;

/** For each route path a router serves, the routers with a layer that matches it, in order. */
function ownersByPath(routers: readonly Router[]): Map<string, Router[]> {
  const paths = new Set(routers.flatMap((router) => stackOf(router).flatMap((layer) => (layer.route === undefined ? [] : [layer.route.path].flat()))));
  return new Map([...paths].map((path) => [normalised(path), routers.filter((router) => stackOf(router).some((layer) => layer.match(path) !== false))]));
}

/**
 * The services' routers as one app layer. A request for a path some service routes goes to
 * the routers with a layer for that path (one, in Signal), rather than through every router
 * before it, each of which would walk and match all its layers to no effect. Any other path visits
 * every router in order, as one `app.use` per router did, so prefix middleware (the session
 * check on `/offer/...`, say) still answers there. A router's error skips the routers after it.
 * `stack` shows every router's layers to the readers of the app's routes (allowed-methods.ts).
 */
export function serviceRouters(routers: readonly Router[]): RequestHandler & { stack: Layer[] } {
  let owners: Map<string, Router[]> | undefined;
  const dispatch = (req: Request, res: Response, next: NextFunction): void => {
    owners ??= ownersByPath(routers);
    runInSequence(owners.get(normalised(req.path)) ?? routers, 0, req, res, next);
  };
  return Object.defineProperty(dispatch, 'stack', { get: () => routers.flatMap(stackOf) }) as typeof dispatch & { stack: Layer[] };
}

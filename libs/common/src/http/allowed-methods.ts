import type { Express, RequestHandler } from 'express';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Route paths are matched case-insensitively and with an optional trailing slash, as Express does. */
export const normalised = (path: string) => (path.length > 1 ? path.replace(/\/$/, '') : path).toLowerCase();

function collect(stack: Layer[], into: Map<string, Set<string>>): void {
  for (const layer of stack) {
    if (layer.route !== undefined) {
      for (const path of [layer.route.path].flat()) {
        const methods = into.get(normalised(path)) ?? new Set<string>();
        for (const method of Object.keys(layer.route.methods)) {
          if (method === '_all') continue;
          methods.add(method.toUpperCase());
          if (method === 'get') methods.add('HEAD');
        }
        into.set(normalised(path), methods);
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      collect(layer.handle.stack, into);
    }
  }
}

/**
 * The methods of every route path the app serves, read from its routers once every route is
 * registered (on first use), so it cannot drift from the routes themselves.
 */
function servedMethods(app: Express): () => ReadonlyMap<string, ReadonlySet<string>> {
  let methods: Map<string, Set<string>> | undefined;
  return () => {
    if (methods === undefined) {
      methods = new Map<string, Set<string>>();
      collect((app.router as unknown as { stack: Layer[] }).stack, methods);
      methods.delete(normalised('/{*path}'));
    }
    return methods;
  };
}

function allowHeaders(app: Express): () => ReadonlyMap<string, string> {
  const methodsOf = servedMethods(app);
  let allow: Map<string, string> | undefined;
  return () => {
    allow ??= new Map([...methodsOf()].map(([path, set]) => [path, [...set].filter((m) => m !== 'OPTIONS').sort().join(', ')]));
    return allow;
  };
}

/**
 * The route template a request path belongs to, whatever answers it: a rate limit, the session
 * check, the body parser or a 405 answer before any route handler runs. Signal's routes are plain
 * paths, so the template is the served path the request path normalises to.
 */
export function routeTemplates(app: Express): (path: string) => string | undefined {
  const methodsOf = servedMethods(app);
  return (path) => {
    const template = normalised(path);
    return methodsOf().has(template) ? template : undefined;
  };
}

/**
 * OPTIONS on a served path is 204 with `Allow` (a CORS preflight has its CORS headers by now);
 * registered before the service routers, whose own OPTIONS answer would be plain text. A method
 * a served path does not take is 405 with `Allow` (RFC 9110 §15.5.6).
 */
export function methodAnswers(app: Express): { options: RequestHandler; notAllowed: RequestHandler } {
  const allowOf = allowHeaders(app);
  return {
    options: (req, res, next) => {
      const allow = allowOf().get(normalised(req.path));
      if (allow === undefined) {
        next();
        return;
      }
      res.set('Allow', allow).status(204).end();
    },
    notAllowed: (req, res, next) => {
      const allow = allowOf().get(normalised(req.path));
      if (allow === undefined) {
        next();
        return;
      }
      res.set('Allow', allow).status(405).json({ body: 'Method not allowed' });
    },
  };
}

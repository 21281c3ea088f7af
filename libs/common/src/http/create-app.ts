import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Platform } from '../runtime/platform.ts';
import { corsAllowList } from './cors-allow-list.ts';
import { errorHandler, methodNotAllowed, notFound } from './error-handler.ts';
import { healthRouter } from './health.ts';
import { openApiRouter } from './openapi-router.ts';
import { rateLimits } from './rate-limit.ts';
import { requestId, requestMetrics, tagService } from './request-context.ts';

/** One service's contribution to an HTTP app. */
export interface ServiceModule {
  name: string;
  /** The paths its router serves; requests to them carry this service's metric label. */
  paths: string[];
  router: Router;
  /** Called on SIGTERM before the server drains: answer long-polls, stop timers. */
  stop?: () => void;
}

/** Extra routes only the all-in-one development process serves (dev tokens, demo page). */
export type ExtraRoutes = (app: Express) => void;

export function createApp(platform: Platform, services: ServiceModule[], isShuttingDown: () => boolean, extra?: ExtraRoutes): Express {
  const { config, logger, metrics } = platform;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.set('etag', false);
  app.use(requestId);
  // While draining, every answer ends its connection: a keep-alive client (or the ingress) then
  // reconnects to a replica that is staying, instead of holding this one open until the drain timeout.
  app.use((_req, res, next) => {
    if (isShuttingDown()) res.setHeader('Connection', 'close');
    next();
  });
  app.use(requestMetrics(metrics, config.role));
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => String(res.getHeader('X-Request-Id')),
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'debug'),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  // Over plain local http (SESSION_COOKIE_SECURE=false) an upgrade-insecure-requests policy would
  // send the demo page's requests to an https port that does not exist.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.session.cookieSecure ? [] : null } } }));
  if (config.http.corsOrigins.length > 0) {
    app.use(corsAllowList(config.http.corsOrigins));
  }
  // After helmet and CORS so a 429 still carries their headers; before body parsing so a refused
  // request costs no parse.
  for (const limit of rateLimits(config, metrics, logger)) app.use(limit);
  app.use(express.json({ limit: config.signaling.sdpMaxBytes + 4096, strict: true }));
  app.use(healthRouter(platform, isShuttingDown));
  app.use(openApiRouter);
  extra?.(app);
  for (const service of services) {
    app.all(service.paths, tagService(service.name));
    app.use(service.router);
  }
  app.all(services.flatMap((service) => service.paths), methodNotAllowed);
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

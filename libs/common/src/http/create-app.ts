import express, { type Express, type Router } from 'express';
import type { Platform } from '../runtime/platform.ts';
import { corsAllowList } from './cors-allow-list.ts';
import { methodAnswers, routeTemplates } from './allowed-methods.ts';
import { errorHandler, notFound } from './error-handler.ts';
import { healthRoutes } from './health.ts';
import { identityEncodingOnly } from './identity-encoding.ts';
import { inSequence } from './in-sequence.ts';
import { documentOptionsOf, serveOpenApi } from './openapi-router.ts';
import { rateLimits } from './rate-limit.ts';
import { requestContext } from './request-context.ts';
import { serviceRouters } from './service-routers.ts';
import { apiSecurityHeaders } from './security-headers.ts';

/** One service's contribution to an HTTP app. */
export interface ServiceModule {
  name: string;
  /** The route templates its router serves; requests to them carry this service's metric label. */
  paths: string[];
  router: Router;
  /** Called on SIGTERM before the server drains: answer long-polls, stop timers. */
  stop?: () => void;
  /** Called once the server drained, before the shared dependencies close: the service's own stores. */
  close?: () => Promise<void>;
  /** The service's own dependencies by `signal_dependency_up` name, each resolving when it answers. */
  dependencies?: Record<string, () => Promise<void>>;
}

/** Extra routes only the all-in-one development process serves (dev tokens, demo page). */
export type ExtraRoutes = (app: Express) => void;

export function createApp(platform: Platform, services: ServiceModule[], isShuttingDown: () => boolean, extra?: ExtraRoutes): Express {
  const { config, logger, metrics } = platform;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.set('etag', false);
  const serviceOf = new Map(services.flatMap((service) => service.paths.map((path) => [path, service.name] as const)));
  app.use(
    inSequence([
      requestContext({ metrics, logger, serviceOf, routeOf: routeTemplates(app), fallbackService: config.role, isShuttingDown }),
      apiSecurityHeaders,
      ...(config.http.corsOrigins.length > 0 ? [corsAllowList(config.http.corsOrigins)] : []),
      // After the security headers and CORS so a 429 still carries their headers (preflights included: CORS lets
      // them through to be counted); before any body is read. Bodies are parsed by the routes that
      // take one (json-body.ts).
      ...rateLimits(config, platform.sessions, metrics),
      identityEncodingOnly,
    ]),
  );
  healthRoutes(app, platform, services, isShuttingDown);
  app.get('/openapi.json', serveOpenApi(documentOptionsOf(config)));
  extra?.(app);
  const methods = methodAnswers(app);
  app.options('/{*path}', methods.options);
  app.use(serviceRouters(services.map((service) => service.router)));
  app.use(methods.notAllowed);
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

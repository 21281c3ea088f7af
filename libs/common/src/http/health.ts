import type { Express } from 'express';
import type { Platform } from '../runtime/platform.ts';
import type { ServiceModule } from './create-app.ts';

const PING_TIMEOUT_MS = 2000;

/**
 * Liveness, readiness and metrics. Readiness says "this pod can serve": the process started (the
 * port listens only after the stores answered once) and is not draining. A dependency outage is
 * not a reason to leave the load balancer: every pod shares the dependency, so failing readiness
 * would turn a slow Cosmos DB into a 503 on every path, including those that need no store.
 * Instead each request that needs it answers 503, and `signal_dependency_up` (checked at scrape
 * time) drives the alerts.
 */
export function healthRoutes(router: Express, platform: Platform, services: ServiceModule[], isShuttingDown: () => boolean): void {
  platform.metrics.checkDependenciesWith(() => dependencyStates(platform, services));
  router.get('/healthz', (_req, res) => {
    res.json({ body: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const draining = isShuttingDown();
    platform.metrics.ready.set(draining ? 0 : 1);
    if (draining) res.status(503).json({ body: 'Not ready: shutting down' });
    else res.json({ body: 'ready' });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(platform.metrics.registry.contentType).send(await platform.metrics.registry.metrics());
  });
}

/** Whether each store (the shared session store, each service's own) answers a ping within the request deadline. */
async function dependencyStates(platform: Platform, services: ServiceModule[]): Promise<Record<string, boolean>> {
  const checks: [string, Promise<void>][] = [
    ['session_store', platform.stores.sessions.ping()],
    ...services.flatMap((service) => Object.entries(service.dependencies ?? {}).map(([name, ping]): [string, Promise<void>] => [name, ping()])),
  ];
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, PING_TIMEOUT_MS, 'timeout').unref());
  const results = await Promise.all(
    checks.map(async ([name, check]) => {
      try {
        return [name, (await Promise.race([check, timeout])) !== 'timeout'] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  return Object.fromEntries(results);
}

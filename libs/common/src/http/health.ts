import type { Express } from 'express';
import type { Platform } from '../runtime/platform.ts';

const READY_TIMEOUT_MS = 2000;

/** Liveness, readiness (every store answers; the bus may be down: Signal degrades, it does not stop) and metrics. */
export function healthRoutes(router: Express, platform: Platform, isShuttingDown: () => boolean): void {
  router.get('/healthz', (_req, res) => {
    res.json({ body: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const problems = isShuttingDown() ? ['shutting down'] : await storeProblems(platform);
    platform.metrics.ready.set(problems.length === 0 ? 1 : 0);
    if (problems.length === 0) res.json({ body: 'ready' });
    else res.status(503).json({ body: `Not ready: ${problems.join(', ')}` });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(platform.metrics.registry.contentType).send(await platform.metrics.registry.metrics());
  });
}

async function storeProblems(platform: Platform): Promise<string[]> {
  const checks: [string, Promise<void>][] = [
    ['session store', platform.stores.sessions.ping()],
    ['sdp store', platform.stores.sdps.ping()],
  ];
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS, 'timeout').unref());
  const results = await Promise.all(
    checks.map(async ([name, check]) => {
      try {
        return (await Promise.race([check, timeout])) === 'timeout' ? name : undefined;
      } catch {
        return name;
      }
    }),
  );
  return results.filter((name): name is string => name !== undefined);
}

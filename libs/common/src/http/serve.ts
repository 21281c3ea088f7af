import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { ConfigError } from '../config/env-reader.ts';
import { shutdownTracing } from '../observability/tracing.ts';
import type { ProcessRole } from '../config/config.ts';
import { createPlatform, type Platform } from '../runtime/platform.ts';
import { createApp, type ExtraRoutes, type ServiceModule } from './create-app.ts';
import { answerProtocolErrorsInEnvelope } from './protocol-errors.ts';

export interface RunningService {
  platform: Platform;
  server: Server;
  /** The port actually bound (PORT=0 picks a free one). */
  port: number;
  /** Stops taking requests, answers long-polls, lets in-flight requests finish, closes dependencies. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  role: ProcessRole;
  env?: Record<string, string | undefined>;
  /** Tests move time instead of sleeping. */
  clock?: Clock;
  /** Tests capture log lines through it. */
  logger?: Logger;
  services: (platform: Platform) => ServiceModule[];
  extra?: (platform: Platform) => ExtraRoutes;
  /** Upper bound on waiting for in-flight requests after SIGTERM. */
  drainTimeoutMs?: number;
}

/** Builds the platform and the app, and listens. Used by every main.ts and by the HTTP tests. */
export async function startService(options: StartOptions): Promise<RunningService> {
  const { role, env, clock, logger } = options;
  const platform = await createPlatform({ role, env, clock, logger });
  const services = options.services(platform);
  let shuttingDown = false;
  const app = createApp(platform, services, () => shuttingDown, options.extra?.(platform));
  const { port: wanted, host } = platform.config.http;
  const server = app.listen(wanted, host);
  answerProtocolErrorsInEnvelope(server);
  await once(server, 'listening');
  // Long-polls hold a request for up to LONGPOLL_MAX_SECONDS; Node's defaults would cut them.
  server.requestTimeout = (platform.config.signaling.longPollMaxSeconds + 30) * 1000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000;
  // Node's idea of an idle keep-alive connection misses some that clients left half-open, so
  // shutdown counts requests itself and closes every connection once none is in flight.
  let inFlight = 0;
  server.on('request', (_req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (shuttingDown && inFlight === 0) server.closeAllConnections();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : wanted;
  if (platform.config.auth?.mode === 'dev') {
    platform.logger.warn('DEV MODE: no AUTH_JWT_* set; JWTs are signed with a throw-away secret and /dev/token is open. Never run this in production.');
  }
  platform.logger.info({ port, role: options.role, store: platform.config.store.kind, bus: platform.config.bus.kind }, 'listening');

  let finished: Promise<void> | undefined;
  const shutdown = () => {
    finished ??= (async () => {
      shuttingDown = true;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const service of services) service.stop?.();
      if (inFlight === 0) server.closeAllConnections();
      else server.closeIdleConnections();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.drainTimeoutMs ?? 10_000).unref());
      await Promise.race([drained, timeout]);
      server.closeAllConnections();
      await platform.close();
    })();
    return finished;
  };
  return { platform, server, port, shutdown };
}

/** Process entry: start, exit 1 with a readable message on bad configuration, drain on SIGTERM/SIGINT. */
export async function runMain(options: StartOptions): Promise<void> {
  let running: RunningService;
  try {
    running = await startService(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const stop = (signal: string) => {
    running.platform.logger.info({ signal }, 'shutting down');
    running
      .shutdown()
      .then(
        () => 0,
        (error: unknown) => {
          running.platform.logger.error({ err: error }, 'shutdown failed');
          return 1;
        },
      )
      // The last batch of spans is still buffered; export it before the process ends.
      .then(async (code) => {
        await shutdownTracing().catch(() => {});
        process.exit(code);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

import { once } from 'node:events';
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { DestinationStream, Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { ConfigError } from '../config/env-reader.ts';
import { shutdownTracing } from '../observability/tracing.ts';
import type { Config, ProcessRole } from '../config/config.ts';
import { createPlatform, type Platform } from '../runtime/platform.ts';
import { createApp, type ExtraRoutes, type ServiceModule } from './create-app.ts';
import { guardConnectionSlots } from './connection-slots.ts';
import { answerProtocolErrorsInEnvelope } from './protocol-errors.ts';
import { serverOptions } from './server-options.ts';

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
  /** A service may open its own stores on the platform's backing first, hence the promise. */
  services: (platform: Platform) => ServiceModule[] | Promise<ServiceModule[]>;
  extra?: (platform: Platform) => ExtraRoutes;
  /** Log lines go here instead of stdout as JSON when it returns a stream (see PlatformOptions). */
  logDestination?: (config: Config) => DestinationStream | undefined;
  /** Called once the process listens, e.g. to tell a person where to go next. */
  onListening?: (running: RunningService) => void;
  /** Upper bound on waiting for in-flight requests after SIGTERM. */
  drainTimeoutMs?: number;
}

/** Builds the platform and the app, and listens. Used by every main.ts and by the HTTP tests. */
export async function startService(options: StartOptions): Promise<RunningService> {
  const { role, env, clock, logger } = options;
  const platform = await createPlatform({ role, env, clock, logger, logDestination: options.logDestination });
  let services: ServiceModule[];
  try {
    services = await options.services(platform);
  } catch (error) {
    await platform.close();
    throw error;
  }
  let shuttingDown = false;
  const app = createApp(platform, services, () => shuttingDown, options.extra?.(platform));
  const { port: wanted, host, maxConnections } = platform.config.http;
  const server = createServer(serverOptions(platform.config.http, platform.config.signaling.longPollMaxSeconds), app);
  // Past this, Node closes each new connection at once rather than run out of descriptors.
  server.maxConnections = maxConnections;
  guardConnectionSlots(server, platform.config.http);
  server.listen(wanted, host);
  answerProtocolErrorsInEnvelope(server);
  await once(server, 'listening');
  // Node's idea of an idle keep-alive connection misses some that clients left half-open, so
  // shutdown tracks requests itself and closes every connection once none is in flight.
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    // 'close' comes once per response: `on`, since `once` wraps each listener for as long as a long-poll waits.
    res.on('close', () => {
      inFlight.delete(res);
      if (shuttingDown && inFlight.size === 0) server.closeAllConnections();
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
      // Requests begun before SIGTERM are answered with Connection: close too (later ones get it
      // from request-context), so no client re-polls on a socket about to go.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const service of services) service.stop?.();
      if (inFlight.size === 0) server.closeAllConnections();
      else server.closeIdleConnections();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.drainTimeoutMs ?? 10_000).unref());
      await Promise.race([drained, timeout]);
      server.closeAllConnections();
      await Promise.allSettled(services.map((service) => service.close?.()));
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
  options.onListening?.(running);
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

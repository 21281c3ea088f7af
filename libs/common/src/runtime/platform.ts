import { randomBytes } from 'node:crypto';
import type { DestinationStream, Logger } from 'pino';
import { SessionGate } from '../auth/session-gate.ts';
import { systemClock, type Clock } from '../clock.ts';
import { loadConfig, type Config, type ProcessRole } from '../config/config.ts';
import { misspeltVariables } from '../config/variables.ts';
import { EventHub } from '../events/event-hub.ts';
import { createLogger } from '../observability/logger.ts';
import { Metrics } from '../observability/metrics.ts';
import { currentTraceIds } from '../observability/tracing.ts';
import type { Broadcasts } from '../ports/broadcasts.ts';
import { createBroadcasts, createStores, type Stores } from './adapters.ts';

/** Everything a service needs from the outside world, built once per process at start-up. */
export interface Platform {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  stores: Stores;
  bus: Broadcasts;
  events: EventHub;
  sessions: SessionGate;
  close(): Promise<void>;
}

export interface PlatformOptions {
  role: ProcessRole;
  env?: Record<string, string | undefined> | undefined;
  clock?: Clock | undefined;
  /** Log destination override (tests capture logs through it). */
  logger?: Logger | undefined;
  /** Where log lines go instead of stdout as JSON; chosen from the configuration (dev mode only). */
  logDestination?: ((config: Config) => DestinationStream | undefined) | undefined;
}

export async function createPlatform(options: PlatformOptions): Promise<Platform> {
  const env = options.env ?? process.env;
  const config = loadConfig(env, options.role, () => randomBytes(32).toString('base64url'));
  const clock = options.clock ?? systemClock;
  const destination = options.logDestination?.(config);
  const logger =
    options.logger ??
    createLogger({ level: config.http.logLevel, service: options.role, mixin: () => currentTraceIds() ?? {}, ...(destination ? { destination } : {}) });
  for (const { name, intended } of misspeltVariables(env)) logger.warn({ variable: name, intended }, `${name} is not a Signal variable and is ignored: did you mean ${intended}?`);
  const metrics = new Metrics(options.role);
  const stores = await createStores(config.store, clock, metrics);
  const bus = await createBroadcasts(config.bus, config.http, logger, metrics);
  const events = new EventHub({ bus, clock, metrics, logger, replicaName: config.http.replicaName });
  const sessions = new SessionGate(stores.sessions, clock, config.session.cacheSeconds);
  events.on('session.revoked', ({ sessionId }) => {
    sessions.revoke(sessionId);
    metrics.activeSessions.forget(sessionId);
  });
  return {
    config,
    clock,
    logger,
    metrics,
    stores,
    bus,
    events,
    sessions,
    async close() {
      events.close();
      await Promise.allSettled([bus.close(), stores.close()]);
    },
  };
}

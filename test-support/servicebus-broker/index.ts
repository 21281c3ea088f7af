import { systemClock, type Clock } from '../../libs/common/src/clock.ts';
import { createAdminServer } from './admin-http.ts';
import { AmqpEndpoint } from './amqp-endpoint.ts';
import { DEFAULT_SUBSCRIPTION_SETTINGS, Namespace, type BrokerCounters } from './namespace.ts';

export type { BrokerCounters } from './namespace.ts';
import { PortMux } from './port-mux.ts';

export interface BrokerOptions {
  /** Topics and their subscriptions that exist from the start, like an emulator's config file. */
  entities?: Record<string, string[]>;
  /** Drives lock expiry and auto-delete-on-idle, so tests can move time instead of waiting. */
  clock?: Clock;
  /** Answer administration calls with 401, as Service Bus does for a Listen/Send-only key. */
  denyAdministration?: boolean;
  /** Fixed port; default a free one. */
  port?: number;
}

export interface Broker {
  /** `UseDevelopmentEmulator=true`: plain TCP, SASL ANONYMOUS; AMQP and the admin API share the port. */
  readonly connectionString: string;
  readonly amqpPort: number;
  /** Drops every connection and stops listening; entities and messages are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port; clients must reconnect by themselves. */
  restart(): Promise<void>;
  /** What the broker did since it started (a copy): benches take differences. */
  counters(): BrokerCounters;
}

/** How often expired locks are returned to their queues when no client touches the broker. */
const SWEEP_INTERVAL_MS = 250;

/**
 * A Service Bus stand-in for tests, accepted by the real `@azure/service-bus` SDK: topics fanning
 * out to subscriptions through their rule (correlation filter or everything), queues, message
 * time to live, auto-delete-on-idle, peek-lock settlement, the `$management` calls receivers
 * make, and the ATOM administration API for entity lifecycles. State lives in memory; counters
 * of messages sent and received, filter evaluations and management operations let benches
 * price requests in Service Bus credits.
 */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const namespace = new Namespace(options.clock ?? systemClock);
  for (const [topic, subscriptions] of Object.entries(options.entities ?? {})) {
    namespace.createTopic(topic);
    for (const name of subscriptions) namespace.createSubscription(topic, name, DEFAULT_SUBSCRIPTION_SETTINGS);
  }
  const amqp = new AmqpEndpoint(namespace);
  const admin = createAdminServer(namespace, { denyAdministration: options.denyAdministration ?? false });
  const mux = new PortMux({ amqp: (socket) => amqp.accept(socket), http: (socket) => admin.emit('connection', socket) });

  let sweeper: NodeJS.Timeout | undefined;
  const listen = async (port: number) => {
    const bound = await mux.listen(port);
    sweeper = setInterval(() => namespace.sweep(), SWEEP_INTERVAL_MS);
    sweeper.unref();
    return bound;
  };
  const amqpPort = await listen(options.port ?? 0);

  return {
    connectionString:
      `Endpoint=sb://127.0.0.1:${amqpPort};SharedAccessKeyName=RootManageSharedAccessKey;` +
      `SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`,
    amqpPort,
    async stop() {
      clearInterval(sweeper);
      await mux.stop();
    },
    async restart() {
      await listen(amqpPort);
    },
    counters: () => ({ ...namespace.counters }),
  };
}

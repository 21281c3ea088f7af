import { randomBytes, randomUUID } from 'node:crypto';
import type { ServiceName } from '@signal/common/config/config';
import { startBroker, type Broker } from '../servicebus-broker/index.ts';
import { startCosmosServer, type CosmosTestServer } from '../cosmos/cosmos-server.ts';
import { spawnService, type ChildService, type SpawnOptions } from '../signal/child-service.ts';

/** One pod of a Deployment: its service and its name (POD_NAME). */
export interface Pod {
  role: ServiceName;
  name: string;
}

export interface LaunchOptions {
  signalingReplicas: number;
  /** What a pod's ConfigMaps and Secret give it besides the store and the bus. */
  env: (pod: Pod) => Record<string, string>;
  spawn?: (pod: Pod) => SpawnOptions;
}

export interface LaunchedCluster {
  cosmos: CosmosTestServer;
  broker: Broker;
  /** In start order: session, then signaling-0..N-1, then ice. */
  pods: Pod[];
  /** The process currently running each pod, by pod name. */
  running: Map<string, ChildService>;
  /** Starts a pod's process again (a container restart): same name, same env, same port. */
  restart(pod: Pod): Promise<ChildService>;
  /** SIGTERM to every pod (they drain), then the broker and the Cosmos server. */
  stop(): Promise<void>;
}

/** Signaling pods wake each other over loopback, each on a free port. */
const LOCAL_WAKEUPS = { WAKEUP_HOST: '127.0.0.1', WAKEUP_PORT: '0', WAKEUP_SECRET: randomBytes(32).toString('base64url') };

/**
 * Signal as a cluster runs it, on one machine: one session, N signaling and one ice process,
 * each alone in its own Node process with STORE=cosmos BUS=servicebus, sharing the Cosmos test
 * server and the AMQP test broker. Used by the tests' startCluster and by `npm run start:cluster`.
 */
export async function launchCluster(options: LaunchOptions): Promise<LaunchedCluster> {
  const cosmos = await startCosmosServer();
  const broker = await startBroker({ entities: { 'signal-events': [] } });
  const backends = {
    STORE: 'cosmos',
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: `signal-${randomUUID()}`,
    BUS: 'servicebus',
    SERVICEBUS_CONNECTION_STRING: broker.connectionString,
    LOG_LEVEL: 'info',
  };
  const pods: Pod[] = [
    { role: 'session', name: 'session-0' },
    ...Array.from({ length: options.signalingReplicas }, (_, i): Pod => ({ role: 'signaling', name: `signaling-${i}` })),
    { role: 'ice', name: 'ice-0' },
  ];
  const running = new Map<string, ChildService>();
  const starting = new Set<Promise<ChildService>>();
  const start = async (pod: Pod, extra: Record<string, string> = {}) => {
    // Session creates the database and its container, signaling its SDP container; ice verifies.
    const own = pod.role === 'ice' ? {} : { COSMOS_CREATE_IF_MISSING: 'true', ...(pod.role === 'signaling' ? LOCAL_WAKEUPS : {}) };
    const spawned = spawnService(pod.role, { ...backends, ...own, ...options.env(pod), ...extra, POD_NAME: pod.name }, options.spawn?.(pod));
    starting.add(spawned);
    try {
      const service = await spawned;
      running.set(pod.name, service);
      return service;
    } finally {
      starting.delete(spawned);
    }
  };
  const stopAll = async () => {
    // A pod still starting would otherwise be left running once it listens.
    await Promise.allSettled([...starting]);
    await Promise.all([...running.values()].map((service) => service.stop()));
    await broker.stop();
    await cosmos.stop();
  };
  try {
    const [first, ...rest] = pods as [Pod, ...Pod[]];
    await start(first);
    await Promise.all(rest.map((pod) => start(pod)));
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    cosmos,
    broker,
    pods,
    running,
    restart: (pod) => start(pod, { PORT: String(running.get(pod.name)?.port ?? 0) }),
    stop: stopAll,
  };
}

import { randomUUID } from 'node:crypto';
import type { ProcessRole } from '@signal/common/config/config';
import { startBroker, type Broker } from '../servicebus-broker/index.ts';
import { startCosmosServer, type CosmosTestServer } from '../cosmos/cosmos-server.ts';
import { startChildService, type ChildService } from '../signal/child-service.ts';

export interface Cluster {
  cosmos: CosmosTestServer;
  broker: Broker;
  session: ChildService;
  signaling: [ChildService, ChildService];
  ice: ChildService;
  stop(): Promise<void>;
}

/**
 * Signal as a cluster runs it, on one machine: one session, two signaling and one ice process,
 * each alone in its own Node process, sharing the Cosmos test server and the AMQP test broker.
 * `env` goes to every process; `envFor` adds variables for one pod, as a pod spec derives them
 * from its own name (OTEL_RESOURCE_ATTRIBUTES with k8s.pod.name, say).
 */
export async function startCluster(env: Record<string, string> = {}, envFor: (podName: string) => Record<string, string> = () => ({})): Promise<Cluster> {
  const cosmos = await startCosmosServer();
  const broker = await startBroker({ entities: { 'signal-events': [] } });
  const shared = {
    STORE: 'cosmos',
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: `signal-${randomUUID()}`,
    BUS: 'servicebus',
    SERVICEBUS_CONNECTION_STRING: broker.connectionString,
    LOG_LEVEL: 'info',
    ...env,
  };
  const start = (role: ProcessRole, podName: string, extra: Record<string, string> = {}) =>
    startChildService(role, { ...shared, ...extra, ...envFor(podName), POD_NAME: podName });
  // The first process creates the database and containers; the others verify them.
  const session = await start('session', 'session-0', { COSMOS_CREATE_IF_MISSING: 'true' });
  const started = await Promise.all([start('signaling', 'signaling-0'), start('signaling', 'signaling-1'), start('ice', 'ice-0')]);
  const [signalingA, signalingB, ice] = started as [ChildService, ChildService, ChildService];
  return {
    cosmos,
    broker,
    session,
    signaling: [signalingA, signalingB],
    ice,
    async stop() {
      await Promise.all([session, signalingA, signalingB, ice].map((service) => service.stop()));
      await broker.stop();
      await cosmos.stop();
    },
  };
}

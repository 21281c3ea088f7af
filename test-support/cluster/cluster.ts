import { randomUUID } from 'node:crypto';
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
 */
export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
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
  // The first process creates the database and containers; the others verify them.
  const session = await startChildService('session', { ...shared, COSMOS_CREATE_IF_MISSING: 'true', POD_NAME: 'session-0' });
  const started = await Promise.all([
    startChildService('signaling', { ...shared, POD_NAME: 'signaling-0' }),
    startChildService('signaling', { ...shared, POD_NAME: 'signaling-1' }),
    startChildService('ice', { ...shared, POD_NAME: 'ice-0' }),
  ]);
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

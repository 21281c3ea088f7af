/** Signal processes that share one local Cosmos test server, as replicas in a cluster share one account. */
import { randomUUID } from 'node:crypto';
import { startCosmosServer, type CosmosTestServer } from '../../../test-support/cosmos/cosmos-server.ts';
import { startChildService, type ChildService } from '../../../test-support/signal/child-service.ts';

/** STORE=cosmos settings for `cosmos`, in a database of this run's own. */
export function cosmosEnv(cosmos: CosmosTestServer, requestTimeoutMs = 500): Record<string, string> {
  return {
    STORE: 'cosmos',
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_CREATE_IF_MISSING: 'true',
    COSMOS_DATABASE: `faults-${randomUUID()}`,
    COSMOS_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
  };
}

export interface CosmosReplicas {
  cosmos: CosmosTestServer;
  /** Starts one more all-in-one process on the shared database. */
  start(): Promise<ChildService>;
  /** Kills every process it started, then stops the Cosmos server. */
  dispose(): Promise<void>;
}

export async function cosmosReplicas(): Promise<CosmosReplicas> {
  const cosmos = await startCosmosServer();
  const env = cosmosEnv(cosmos);
  const started: ChildService[] = [];
  return {
    cosmos,
    async start() {
      const child = await startChildService('all-in-one', env);
      started.push(child);
      return child;
    },
    async dispose() {
      await Promise.all(started.map((child) => child.kill()));
      await cosmos.stop();
    },
  };
}

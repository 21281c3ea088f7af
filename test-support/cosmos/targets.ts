import { randomBytes } from 'node:crypto';
import { createCosmosClient } from '../../libs/common/src/adapters/cosmos/connection.ts';
import { startCosmosServer } from './cosmos-server.ts';

/** A Cosmos account a test suite can use, with a database of its own. */
export interface CosmosTarget {
  endpoint: string;
  key: string;
  database: string;
  /** Removes what the suite created and stops what it started. */
  dispose(): Promise<void>;
}

export interface CosmosTargetSource {
  name: string;
  start(): Promise<CosmosTarget>;
}

const localServer: CosmosTargetSource = {
  name: 'cosmosdb-server',
  async start() {
    const server = await startCosmosServer();
    return { endpoint: server.endpoint, key: server.key, database: 'signal', dispose: () => server.stop() };
  },
};

/**
 * The account (or official emulator) named by COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY. Each
 * run gets a database of its own, deleted afterwards. An emulator's self-signed certificate
 * must be trusted through NODE_EXTRA_CA_CERTS: TLS checks stay on.
 */
function remoteAccount(endpoint: string, key: string): CosmosTargetSource {
  return {
    name: `account ${new URL(endpoint).host}`,
    async start() {
      const database = `signal-test-${randomBytes(4).toString('hex')}`;
      return {
        endpoint,
        key,
        database,
        async dispose() {
          const client = createCosmosClient(endpoint, key);
          try {
            await client.database(database).delete();
          } finally {
            client.dispose();
          }
        },
      };
    },
  };
}

/** The local server always; a real account as well when COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY are set. */
export function cosmosTestTargets(env: NodeJS.ProcessEnv = process.env): CosmosTargetSource[] {
  const { COSMOS_TEST_ENDPOINT: endpoint, COSMOS_TEST_KEY: key } = env;
  return endpoint && key ? [localServer, remoteAccount(endpoint, key)] : [localServer];
}

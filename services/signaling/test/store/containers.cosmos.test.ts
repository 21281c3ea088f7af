/**
 * The SDP container belongs to signaling: session and ice processes open the session container
 * only, and a signaling process adds its own, each through the one Cosmos client of its process.
 */
import { createCosmosClient } from '@signal/common/adapters/cosmos/connection';
import type { ProcessRole } from '@signal/common/config/config';
import { startCosmosServer, type CosmosTestServer } from '../../../../test-support/cosmos/cosmos-server.ts';
import { startSignal } from '../../../../test-support/signal/harness.ts';
import { cosmosEnv } from '../../../../tests/faults/support/cosmos-replicas.ts';

let cosmos: CosmosTestServer;

beforeAll(async () => {
  cosmos = await startCosmosServer();
});

afterAll(() => cosmos.stop());

test.each<[ProcessRole, string[]]>([
  ['session', ['sessions']],
  ['ice', ['sessions']],
  ['signaling', ['sdps', 'sessions']],
])('a %s process creates (and opens) only the containers %j', async (role, containers) => {
  const env = cosmosEnv(cosmos);
  const signal = await startSignal({ role, env });
  await signal.shutdown();
  const client = createCosmosClient(cosmos.endpoint, cosmos.key);
  try {
    const { resources } = await client.database(env.COSMOS_DATABASE!).containers.readAll().fetchAll();
    expect(resources.map(({ id }) => id).sort()).toEqual(containers);
  } finally {
    client.dispose();
  }
});

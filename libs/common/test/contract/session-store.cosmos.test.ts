import { CosmosConnection } from '../../src/adapters/cosmos/connection.ts';
import { CosmosSessionStore } from '../../src/adapters/cosmos/cosmos-session-store.ts';
import { type CosmosTarget, cosmosTestTargets } from '../../../../test-support/cosmos/targets.ts';
import { runSessionStoreContract } from './session-store.contract.ts';

for (const source of cosmosTestTargets()) {
  describe(`Cosmos session store on ${source.name}`, () => {
    let target: CosmosTarget;
    let connection: CosmosConnection;

    beforeAll(async () => {
      target = await source.start();
      connection = await CosmosConnection.open({ ...target, createIfMissing: true });
    });

    afterAll(async () => {
      connection.release();
      await target.dispose();
    });

    runSessionStoreContract(source.name, (clock) => new CosmosSessionStore(connection, clock));
  });
}

import type { Container } from '@azure/cosmos';
import { CosmosConnection } from '@signal/common/adapters/cosmos/connection';
import { CosmosSdpStore, SDP_CONTAINER } from '../../src/store/cosmos-sdp-store.ts';
import { type CosmosTarget, cosmosTestTargets } from '../../../../test-support/cosmos/targets.ts';
import { runSdpStoreContract } from './sdp-store.contract.ts';

for (const source of cosmosTestTargets()) {
  describe(`Cosmos SDP store on ${source.name}`, () => {
    let target: CosmosTarget;
    let connection: CosmosConnection;
    let container: Container;

    beforeAll(async () => {
      target = await source.start();
      connection = await CosmosConnection.open({ ...target, createIfMissing: true });
      container = await connection.container(SDP_CONTAINER);
    });

    afterAll(async () => {
      connection.release();
      await target.dispose();
    });

    runSdpStoreContract(source.name, (clock) => new CosmosSdpStore(connection, container, clock));
  });
}

import { CosmosConnection } from './connection.ts';
import { CosmosSdpStore } from './cosmos-sdp-store.ts';
import { CosmosSessionStore } from './cosmos-session-store.ts';
import type { CosmosStoreOptions } from './options.ts';

/**
 * Both stores on one client, after checking (or creating) database and containers. Rejects with
 * an Error naming the `COSMOS_*` variable at fault. The client closes with the second store.
 */
export async function openCosmosStores(options: CosmosStoreOptions): Promise<{ sessions: CosmosSessionStore; sdps: CosmosSdpStore }> {
  const connection = await CosmosConnection.open(options);
  try {
    return { sessions: new CosmosSessionStore(connection, options.clock), sdps: new CosmosSdpStore(connection, options.clock) };
  } finally {
    connection.release();
  }
}

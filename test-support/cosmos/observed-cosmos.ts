import type { Container, CosmosClient } from '@azure/cosmos';
import type { ContainerSpec } from '../../libs/common/src/adapters/cosmos/containers.ts';
import { CosmosConnection, createCosmosClient } from '../../libs/common/src/adapters/cosmos/connection.ts';
import { type CosmosTestServer, startCosmosServer } from './cosmos-server.ts';

export interface Observed {
  requests: string[];
  charges: [string, number][];
}

export interface ObservedCosmos {
  server(): CosmosTestServer;
  /** A client of its own, to look at what the stores wrote. */
  raw(): CosmosClient;
  /** A fresh connection with `containers` open, its caches as cold as in a new replica; the caller releases it. */
  connect(): Promise<{ connection: CosmosConnection; containers: Container[] }>;
  /** Forgets the requests and charges seen so far. */
  forget(): void;
  /** Runs one store call and returns the HTTP requests it sent and the RU it reported. */
  observe(call: () => Promise<unknown>): Promise<Observed>;
}

/**
 * A local Cosmos server for the suite, with the database, the sessions container and `containers`
 * created by another client first, and the requests and request charges of each store call.
 */
export function observedCosmos(containers: ContainerSpec[] = []): ObservedCosmos {
  let server: CosmosTestServer | undefined;
  let raw: CosmosClient | undefined;
  const charges: [string, number][] = [];
  const required = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('observedCosmos used outside its suite');
    return value;
  };
  const open = async (createIfMissing: boolean) => {
    const connection = await CosmosConnection.open({
      endpoint: required(server).endpoint,
      key: required(server).key,
      createIfMissing,
      onRequestCharge: (op, ru) => charges.push([op, ru]),
    });
    return { connection, containers: await Promise.all(containers.map((spec) => connection.container(spec))) };
  };
  beforeAll(async () => {
    server = await startCosmosServer();
    raw = createCosmosClient(server.endpoint, server.key);
    (await open(true)).connection.release();
  });
  afterAll(async () => {
    raw?.dispose();
    await server?.stop();
  });
  return {
    server: () => required(server),
    raw: () => required(raw),
    async connect() {
      const opened = await open(false);
      this.forget();
      return opened;
    },
    forget() {
      required(server).takeRequests();
      charges.length = 0;
    },
    async observe(call) {
      await call();
      const observed = { requests: required(server).takeRequests(), charges: [...charges] };
      charges.length = 0;
      return observed;
    },
  };
}

import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { BusConfig, Config, CosmosConfig, StoreConfig } from '../config/config.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Broadcasts } from '../ports/broadcasts.ts';
import type { SessionStore } from '../ports/session-store.ts';
import type { CosmosConnection } from '../adapters/cosmos/connection.ts';
import { ByteBudget } from '../adapters/memory/byte-budget.ts';
import { InProcessBroadcasts } from '../adapters/memory/in-process-broadcasts.ts';
import { MemorySessionStore } from '../adapters/memory/memory-session-store.ts';
import { InstrumentedSessionStore } from './instrumented-stores.ts';

/**
 * What a service builds its own stores on, shared with the session store: the process's one
 * memory budget (whichever fills memory, the process has one heap), or its one Cosmos client.
 */
export type StoreBacking = { kind: 'memory'; budget: ByteBudget } | { kind: 'cosmos'; connection: CosmosConnection; config: CosmosConfig };

export interface Stores {
  sessions: SessionStore;
  backing: StoreBacking;
  /** Closes the session store and lets go of the backing (a service closes its own stores first). */
  close(): Promise<void>;
}

/**
 * Opens the session store named by STORE, on a backing the services share. Cloud SDKs are
 * imported only when chosen, so a memory-mode process never loads them.
 */
export async function createStores(config: StoreConfig, clock: Clock, metrics: Metrics): Promise<Stores> {
  if (config.kind === 'memory') {
    const budget = new ByteBudget(config.maxBytes, clock, config.maxBytesPerUser);
    metrics.measureMemoryStoreWith(budget);
    const sessions = new InstrumentedSessionStore(new MemorySessionStore(clock, budget), metrics, 'memory');
    return { sessions, backing: { kind: 'memory', budget }, close: () => sessions.close() };
  }
  const { CosmosConnection } = await import('../adapters/cosmos/connection.ts');
  const { CosmosSessionStore } = await import('../adapters/cosmos/cosmos-session-store.ts');
  const connection = await CosmosConnection.open({
    ...config.cosmos,
    onRequestCharge: (op, ru) => metrics.cosmosRequestUnits.inc({ op }, ru),
    onThrottle: (op) => metrics.cosmosThrottled.inc({ op }),
  });
  const sessions = new InstrumentedSessionStore(new CosmosSessionStore(connection, clock), metrics, 'cosmos');
  return {
    sessions,
    backing: { kind: 'cosmos', connection, config: config.cosmos },
    async close() {
      await sessions.close();
      connection.release();
    },
  };
}

/** Picks the broadcasts named by BUS; the in-process ones serve a single process. */
export async function createBroadcasts(config: BusConfig, http: Config['http'], logger: Logger, metrics: Metrics): Promise<Broadcasts> {
  if (config.kind === 'memory') return new InProcessBroadcasts();
  const { ServiceBusBroadcasts } = await import('../adapters/servicebus/service-bus-broadcasts.ts');
  return ServiceBusBroadcasts.start({
    ...config.serviceBus,
    replicaName: http.replicaName,
    logger,
    // Valid events are counted by the EventHub; only what it never sees is counted here.
    onReceived: (kind, outcome) => {
      if (outcome === 'malformed') metrics.busReceived.inc({ kind, outcome: 'invalid' });
    },
  });
}

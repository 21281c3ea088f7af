import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { BusConfig, Config, StoreConfig } from '../config/config.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { SdpStore } from '../ports/sdp-store.ts';
import type { SessionStore } from '../ports/session-store.ts';
import { ByteBudget } from '../adapters/memory/byte-budget.ts';
import { InProcessBus } from '../adapters/memory/in-process-bus.ts';
import { MemorySdpStore } from '../adapters/memory/memory-sdp-store.ts';
import { MemorySessionStore } from '../adapters/memory/memory-session-store.ts';
import { InstrumentedSdpStore, InstrumentedSessionStore } from './instrumented-stores.ts';

export interface Stores {
  sessions: SessionStore;
  sdps: SdpStore;
}

/**
 * Picks the store adapters named by STORE. Cloud SDKs are imported only when chosen, so a
 * memory-mode process never loads them.
 */
export async function createStores(config: StoreConfig, clock: Clock, metrics: Metrics): Promise<Stores> {
  if (config.kind === 'memory') {
    // One budget for both: whichever fills memory, sessions or SDPs, the process has one heap.
    const budget = new ByteBudget(config.maxBytes, clock);
    metrics.measureMemoryStoreWith(budget);
    return {
      sessions: new InstrumentedSessionStore(new MemorySessionStore(clock, budget), metrics, 'memory'),
      sdps: new InstrumentedSdpStore(new MemorySdpStore(clock, budget), metrics, 'memory'),
    };
  }
  const { openCosmosStores } = await import('../adapters/cosmos/open-cosmos-stores.ts');
  const stores = await openCosmosStores({
    ...config.cosmos,
    clock,
    onRequestCharge: (op, ru) => metrics.cosmosRequestUnits.inc({ op }, ru),
    onThrottle: (op) => metrics.cosmosThrottled.inc({ op }),
  });
  return {
    sessions: new InstrumentedSessionStore(stores.sessions, metrics, 'cosmos'),
    sdps: new InstrumentedSdpStore(stores.sdps, metrics, 'cosmos'),
  };
}

/**
 * Picks the event bus named by BUS; the in-process bus serves a single process. Only processes
 * that hold long-polls (`inbox`) get an inbox for directed wake-ups.
 */
export async function createBus(config: BusConfig, http: Config['http'], logger: Logger, metrics: Metrics, clock: Clock, inbox: boolean): Promise<EventBus> {
  if (config.kind === 'memory') return new InProcessBus();
  const { ServiceBusEventBus } = await import('../adapters/servicebus/service-bus-event-bus.ts');
  const direct = inbox && config.wakeups.kind === 'direct' ? config.wakeups : undefined;
  const serviceBus = await ServiceBusEventBus.start({
    ...config.serviceBus,
    // Replicas woken over TCP need no inbox queue.
    inbox: inbox && direct === undefined,
    replicaName: http.replicaName,
    logger,
    // Valid events are counted by the EventHub; only what it never sees is counted here.
    onReceived: (kind, outcome) => {
      if (outcome === 'malformed') metrics.busReceived.inc({ kind, outcome: 'invalid' });
    },
  });
  if (direct === undefined) return serviceBus;
  const { DirectWakeupBus } = await import('../adapters/direct/direct-wakeup-bus.ts');
  try {
    return await DirectWakeupBus.start({
      broadcasts: serviceBus,
      port: direct.port,
      listenHost: http.host,
      advertiseHost: direct.advertiseHost,
      secrets: direct.secrets,
      clock,
      onRejected: (reason, remote) => {
        metrics.busReceived.inc({ kind: 'unknown', outcome: 'invalid' });
        logger.warn({ reason, remote }, 'wake-up refused');
      },
    });
  } catch (error) {
    await serviceBus.close();
    throw error;
  }
}

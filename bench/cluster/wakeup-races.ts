/**
 * 1,000 randomised park/post races across two signaling replicas, on the real adapters: the
 * Cosmos SDK against the Cosmos test server and the Service Bus SDK against the AMQP test broker,
 * two SdpExchanges in this process (one per replica, each with its own inbox). Run as is, and
 * with every write hidden for 500 ms from readers that lack its consistency token
 * (LaggingSdpStore, Cosmos Session consistency at its worst), each with Service Bus inboxes and
 * with direct wake-ups (WAKEUPS=direct: TCP between the two replicas). Counts lost wake-ups and reports
 * how long after the POST's answer a GET parked before it was answered.
 * Usage: node bench/cluster/wakeup-races.ts [rounds=1000]
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { systemClock } from '@signal/common/clock';
import { CosmosConnection } from '@signal/common/adapters/cosmos/connection';
import { CosmosSdpStore, SDP_CONTAINER } from '@signal/signaling/store/cosmos-sdp-store';
import { ServiceBusEventBus } from '@signal/common/adapters/servicebus/service-bus-event-bus';
import type { EventBus } from '@signal/common/ports/event-bus';
import type { SdpStore } from '@signal/signaling/store/sdp-store';
import { startCosmosServer } from '../../test-support/cosmos/cosmos-server.ts';
import { exchangeReplicas } from '../../test-support/replicas/exchange-replicas.ts';
import { runWakeupRaces, seededRandom, type RaceResult } from '../../test-support/replicas/wakeup-races.ts';
import { startBroker } from '../../test-support/servicebus-broker/index.ts';
import { LaggingSdpStore } from '../../test-support/stores/lagging-sdp-store.ts';
import { loopbackDirectBus } from '../lib/loopback-direct-bus.ts';
import { percentile } from '../lib/stats.ts';

const ROUNDS = Number(process.argv[2] ?? 1000);
const LAG_MS = 500;
const logger = pino({ level: 'silent' });

const cosmos = await startCosmosServer();
const broker = await startBroker({ entities: { 'signal-events': [] } });
const connection = await CosmosConnection.open({ endpoint: cosmos.endpoint, key: cosmos.key, database: `races-${randomUUID()}`, createIfMissing: true });
const container = await connection.container(SDP_CONTAINER);

async function startBus(replicaName: string, direct: boolean): Promise<EventBus> {
  const serviceBus = await ServiceBusEventBus.start({ connectionString: broker.connectionString, replicaName, inbox: !direct, logger });
  return direct ? loopbackDirectBus(serviceBus) : serviceBus;
}

async function race(label: string, sdps: SdpStore, direct: boolean): Promise<string> {
  const buses = await Promise.all(['signaling-0', 'signaling-1'].map((replicaName) => startBus(replicaName, direct)));
  try {
    const replicas = exchangeReplicas(sdps, buses, { LONGPOLL_FALLBACK_INTERVAL_SECONDS: '60' });
    const result: RaceResult = await runWakeupRaces(replicas, { rounds: ROUNDS, concurrency: 20, waitSeconds: 5, maxDelayMs: 60, random: seededRandom(2026) });
    const woken = [...result.wokenAfterPostMs].sort((a, b) => a - b);
    const ms = (value: number) => value.toFixed(1);
    return `| ${label} | ${result.rounds} | ${result.lost} | ${woken.length} | ${ms(percentile(woken, 50))} | ${ms(percentile(woken, 99))} | ${ms(woken.at(-1) ?? Number.NaN)} |`;
  } finally {
    await Promise.all(buses.map((bus) => bus.close()));
    await sdps.close();
  }
}

try {
  const rows: string[] = [];
  for (const direct of [false, true]) {
    const via = direct ? 'direct wake-ups' : 'Service Bus inboxes';
    rows.push(await race(`Cosmos stand-in, ${via}`, new CosmosSdpStore(connection, container, systemClock), direct));
    rows.push(await race(`same, writes hidden ${LAG_MS} ms from token-less reads`, new LaggingSdpStore(new CosmosSdpStore(connection, container, systemClock), systemClock, LAG_MS), direct));
  }
  console.log('| case | races | lost wake-ups | GETs parked first (sent ≥ 15 ms before the POST) | wake-up p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- | --- | --- |');
  console.log(rows.join('\n'));
} finally {
  connection.release();
  await broker.stop();
  await cosmos.stop();
}

/**
 * 1,000 randomised park/post races across two signaling replicas, on the real adapters: the
 * Cosmos SDK against the Cosmos test server, and HTTP wake-ups between the two replicas (each
 * SdpExchange in this process with its own wake-up server on loopback). Run as is, and with every
 * write hidden for 500 ms from readers that lack its consistency token (LaggingSdpStore, Cosmos
 * Session consistency at its worst). Counts lost wake-ups and reports how long after the POST's
 * answer a GET parked before it was answered.
 * Usage: npm run bench:cluster -- wakeup-races [rounds=1000]
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '@signal/common/clock';
import { CosmosConnection } from '@signal/common/adapters/cosmos/connection';
import { CosmosSdpStore, SDP_CONTAINER } from '@signal/signaling/store/cosmos-sdp-store';
import type { SdpStore } from '@signal/signaling/store/sdp-store';
import { startCosmosServer } from '../../test-support/cosmos/cosmos-server.ts';
import { exchangeReplicas } from '../../test-support/replicas/exchange-replicas.ts';
import { loopbackHttpWakeups } from '../../test-support/replicas/http-wakeups.ts';
import { runWakeupRaces, seededRandom, type RaceResult } from '../../test-support/replicas/wakeup-races.ts';
import { LaggingSdpStore } from '../../test-support/stores/lagging-sdp-store.ts';
import { percentile } from '../lib/stats.ts';

const ROUNDS = Number(process.argv[2] ?? 1000);
const LAG_MS = 500;

const cosmos = await startCosmosServer();
const connection = await CosmosConnection.open({ endpoint: cosmos.endpoint, key: cosmos.key, database: `races-${randomUUID()}`, createIfMissing: true });
const container = await connection.container(SDP_CONTAINER);

async function race(label: string, sdps: SdpStore): Promise<string> {
  const refused: string[] = [];
  const wakeups = await loopbackHttpWakeups(2, refused);
  try {
    const replicas = exchangeReplicas(sdps, wakeups, { LONGPOLL_FALLBACK_INTERVAL_SECONDS: '60' });
    const result: RaceResult = await runWakeupRaces(replicas, { rounds: ROUNDS, concurrency: 20, waitSeconds: 5, maxDelayMs: 60, random: seededRandom(2026) });
    if (refused.length > 0) throw new Error(`wake-ups refused: ${refused.join(', ')}`);
    const woken = [...result.wokenAfterPostMs].sort((a, b) => a - b);
    const ms = (value: number) => value.toFixed(1);
    return `| ${label} | ${result.rounds} | ${result.lost} | ${woken.length} | ${ms(percentile(woken, 50))} | ${ms(percentile(woken, 99))} | ${ms(woken.at(-1) ?? Number.NaN)} |`;
  } finally {
    await Promise.all(wakeups.map((replica) => replica.close()));
    await sdps.close();
  }
}

try {
  const rows = [
    await race('Cosmos stand-in, HTTP wake-ups', new CosmosSdpStore(connection, container, systemClock)),
    await race(`same, writes hidden ${LAG_MS} ms from token-less reads`, new LaggingSdpStore(new CosmosSdpStore(connection, container, systemClock), systemClock, LAG_MS)),
  ];
  console.log('| case | races | lost wake-ups | GETs parked first (sent ≥ 15 ms before the POST) | wake-up p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- | --- | --- |');
  console.log(rows.join('\n'));
} finally {
  connection.release();
  await cosmos.stop();
}

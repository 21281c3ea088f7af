import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import { SignalHttpApi } from '../clients/http-api.ts';
import { freshRoom } from '../clients/http-handshake.ts';
import { PeerJsPeer } from '../clients/peerjs.ts';
import { mapLimit } from '../lib/concurrency.ts';
import { countDelta, isReadOperation, metricTotal, storeOperationCounts } from '../lib/prometheus.ts';
import type { ServerProcess } from '../lib/server-process.ts';
import { medianOf } from '../lib/stats.ts';
import type { IdleResult, IdleRound } from '../report/results.ts';
import type { Login } from '../systems.ts';

/** Opening thousands of connections at once overflows the listen backlog; this many at a time does not. */
const CONNECT_BATCH = 500;
const LONG_POLLS_PER_SESSION = 100;
/** Lets allocations of the last connections land before RSS is read. */
const SETTLE_MS = 1000;
/** The quiet window in which a waiting long-poll must cause no store read. */
const QUIET_WINDOW_MS = 2000;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

async function storeReadsDuringQuietWindow(scrape: () => Promise<string>): Promise<number> {
  const before = storeOperationCounts(await scrape());
  await delay(QUIET_WINDOW_MS);
  const moved = countDelta(before, storeOperationCounts(await scrape()));
  return [...moved].filter(([key]) => isReadOperation(key)).reduce((sum, [, count]) => sum + count, 0);
}

/** Extra readings of the server around the baseline and while every long-poll waits (heap snapshots). */
export interface HoldProbe {
  before(): Promise<void>;
  held(): Promise<void>;
}

/**
 * RSS cost of one waiting long-poll: open `holds` GET /offer?wait= for SDPs nobody sends, each on
 * its own connection, and divide the server's RSS growth by their number. Sessions are created
 * before the baseline reading so that only the waiting requests are counted.
 */
export async function holdLongPolls(server: ServerProcess, login: Login, holds: number, waitSeconds: number, hasMetrics: boolean, probe?: HoldProbe): Promise<IdleRound> {
  const control = new Pool(server.origin, { connections: 4 });
  const holders = new Pool(server.origin, { connections: holds });
  let closing = false;
  const scrape = async () => (await (await control.request({ method: 'GET', path: '/metrics' })).body.text());
  try {
    const sessions = await mapLimit(Math.ceil(holds / LONG_POLLS_PER_SESSION), 8, (i) => login(control, `idle-${i}`));
    const api = new SignalHttpApi(holders);
    await delay(SETTLE_MS);
    await probe?.before();
    const rssBefore = server.rssBytes();
    let endedEarly = 0;
    const waiting: Promise<unknown>[] = [];
    for (let fired = 0; fired < holds; ) {
      for (const end = Math.min(holds, fired + CONNECT_BATCH); fired < end; fired += 1) {
        const reader = sessions[Math.floor(fired / LONG_POLLS_PER_SESSION)];
        if (reader === undefined) throw new Error('missing session');
        const poll = api.getSdp(reader, 'offer', randomUUID(), freshRoom(), waitSeconds);
        waiting.push(poll.then(() => (endedEarly += 1), () => (endedEarly += closing ? 0 : 1)));
      }
      await until(() => holders.stats.running + endedEarly >= fired, 15_000, 'long-poll requests to be sent');
    }
    if (hasMetrics) {
      await until(async () => (metricTotal(await scrape(), 'signal_longpoll_waiters') ?? holds) >= holds, 15_000, 'server-side waiters');
    }
    await delay(SETTLE_MS);
    const rssAfter = server.rssBytes();
    const storeReadsWhileWaiting = hasMetrics ? await storeReadsDuringQuietWindow(scrape) : Number.NaN;
    await probe?.held();
    if (endedEarly > 0) throw new Error(`${endedEarly} of ${holds} long-polls ended before the measurement`);
    // Destroying the pool drops every socket at once; aborting 10,000 requests one by one takes seconds.
    closing = true;
    await holders.destroy();
    await Promise.all(waiting);
    return { holds, rssDeltaBytes: rssAfter - rssBefore, bytesPerHold: (rssAfter - rssBefore) / holds, storeReadsWhileWaiting };
  } finally {
    closing = true;
    await holders.destroy();
    await control.destroy();
  }
}

/** RSS cost of one connected PeerJS peer, measured the same way. */
export async function holdPeerJsPeers(server: ServerProcess, holds: number): Promise<IdleRound> {
  await delay(SETTLE_MS);
  const rssBefore = server.rssBytes();
  const peers = await mapLimit(holds, CONNECT_BATCH, () => PeerJsPeer.connect(server.origin));
  await delay(SETTLE_MS);
  const rssAfter = server.rssBytes();
  await mapLimit(peers.length, CONNECT_BATCH, (i) => peers[i]?.close() ?? Promise.resolve());
  return { holds, rssDeltaBytes: rssAfter - rssBefore, bytesPerHold: (rssAfter - rssBefore) / holds, storeReadsWhileWaiting: Number.NaN };
}

/** Each round on a fresh server, since memory a process once took is not given back. */
export async function measureIdle(
  unit: string,
  rounds: number,
  start: () => Promise<ServerProcess>,
  hold: (server: ServerProcess) => Promise<IdleRound>,
): Promise<IdleResult> {
  const results: IdleRound[] = [];
  let system = '';
  for (let round = 0; round < rounds; round += 1) {
    const server = await start();
    system = server.name;
    try {
      results.push(await hold(server));
    } finally {
      await server.stop();
    }
  }
  return { system, unit, rounds: results, median: medianOf(results) };
}

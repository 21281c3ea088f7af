/**
 * What more signaling replicas buy at their CPU limit, measured rather than modelled: the
 * cluster (session, N signaling, ice; Cosmos test server; AMQP test broker) with every signaling
 * process held to the same CFS quota (the mechanism of a pod's CPU limit) and driven past it by
 * handshakes in a fresh room each. Requests reach the replicas as an ingress sends them:
 * - `random`: each of a handshake's four requests to a replica chosen at random, as round robin
 *   spreads concurrent requests; a wake-up crosses whenever its GET and its POST landed apart;
 * - `room`: every request of a room to the room's replica on the consistent-hash ring of the
 *   local cluster's ingress stand-in (room affinity), so wake-ups stay in process.
 * Rows run interleaved, round after round, so that a noisy machine weighs on every row alike;
 * each ratio is to the 1-replica row of the same round. Checks that the replicas, not the rest of
 * the machine, were the limit (each replica near its quota and throttled). Needs root for the cgroups.
 * Usage: npm run bench:cluster -- replica-ceiling [millicores=250] [seconds=20] [rounds=3] [rows=1,2,2r,4r] [pairs=96]
 *   (a row is a replica count, with `r` for room routing, or `1b` for one replica beside a burner; pairs: handshakes in flight per replica,
 *   fewer on a busy machine, where a starved Cosmos stand-in turns a deep queue into 503s)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { launchCluster } from '../../test-support/cluster/launcher.ts';
import { hashRing } from '../../test-support/cluster/hash-ring.ts';
import { login, testEnv, type LoggedIn } from '../../test-support/signal/harness.ts';
import { spreadHandshake } from '../lib/cluster-handshake.ts';
import { limitCpu, type CpuQuota } from '../lib/cpu-quota.ts';
import { cpuSeconds, machineBusySeconds } from '../lib/proc-stats.ts';
import { gitRevision } from '../lib/repo.ts';
import { CEILING_PREFIX, SATURATED, type CeilingResults } from '../report/ceiling-results.ts';
import { RESULTS_DIR, resultStamp, writeResultsJson } from '../report/results-files.ts';

const MILLICORES = Number(process.argv[2] ?? 250);
const SECONDS = Number(process.argv[3] ?? 20);
const ROUNDS = Number(process.argv[4] ?? 3);
const SPECS = (process.argv[5] ?? '1,2,2r,4r')
  .split(',')
  .map((text): Spec => ({ replicas: Number.parseInt(text, 10), routing: text.endsWith('r') ? 'room' : 'random', burner: text.endsWith('b') }));
const WARM_UP_SECONDS = 5;
/** Handshakes in flight per replica: 96 keeps a throttled replica busy through every 120 ms park on a quiet machine. */
const PAIRS_PER_REPLICA = Number(process.argv[6] ?? 96);
/** Long enough for a GET to park before its POST, so every wake-up is one (a crossing when apart). */
const PARK_MS = 120;

/** Env of a replica: every replica takes wake-ups on a free port of the loopback. */
const DIRECT = { WAKEUP_SECRET: 'a bench secret of more than thirty-two characters', WAKEUP_HOST: '127.0.0.1', WAKEUP_PORT: '0' };

type Routing = 'random' | 'room';
interface Spec {
  replicas: number;
  routing: Routing;
  /**
   * Row `1b`: one replica beside a process held to the same quota that allocates and serialises
   * without pause: what a busy neighbour on the machine costs a replica, with no second replica.
   */
  burner: boolean;
}

const BURNER = "const m = new Map(); for (let i = 0; ; i++) { const k = 'k' + (i % 50000); m.set(k, { i, s: JSON.stringify({ a: i, b: k }) }); }";

interface Row extends Spec {
  round: number;
  handshakesPerSecond: number;
  failed: number;
  /** CPU each replica used, as a share of its quota, and the share of its periods it was throttled in. */
  replicaUse: { quota: number; throttled: number }[];
  /** Wake-ups sent to another replica, per handshake (a handshake has two wake-ups). */
  crossingsPerHandshake: number;
  /** Mean time of a store call as the replicas saw it, in ms: the Cosmos stand-in shares the machine. */
  storeCallMs: number;
  /** Replicas' garbage-collection time per completed handshake, in ms. */
  gcPerHandshakeMs: number;
  /** CPU of all signaling replicas per completed handshake, in ms. */
  cpuPerHandshakeMs: number;
  busMessagesPerHandshake: number;
  generatorMillicores: number;
  machineBusy: number;
}

/**
 * From a replica's own scrape: wake-ups it sent to another, delivered or not
 * (`signal_wakeups_total{path="crossed"}`); the time and count of its store calls, to tell a
 * slower store from a costlier replica; and its garbage-collection time.
 */
const SUMMED = {
  crossings: /^signal_wakeups_total\{[^}]*path="crossed"/,
  storeSeconds: /^signal_store_operation_duration_seconds_sum[{ ]/,
  storeCalls: /^signal_store_operation_duration_seconds_count[{ ]/,
  gcSeconds: /^nodejs_gc_duration_seconds_sum[{ ]/,
};
type Counters = Record<keyof typeof SUMMED, number>;
async function countersOf(url: string): Promise<Counters> {
  const lines = (await (await fetch(`${url}/metrics`)).text()).split('\n');
  const sum = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).reduce((total, line) => total + Number(line.split(' ').at(-1)), 0);
  return Object.fromEntries(Object.entries(SUMMED).map(([name, pattern]) => [name, sum(pattern)])) as Counters;
}
const addCounters = (all: Counters[]): Counters =>
  Object.fromEntries(Object.keys(SUMMED).map((name) => [name, all.reduce((total, one) => total + one[name as keyof Counters], 0)])) as Counters;

async function measure({ replicas, routing, burner }: Spec, round: number): Promise<Row> {
  const env = Object.fromEntries(Object.entries(testEnv(DIRECT)).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const cluster = await launchCluster({ signalingReplicas: replicas, env: () => env });
  const quotas: CpuQuota[] = [];
  let neighbour: ChildProcess | undefined;
  try {
    const session = cluster.running.get('session-0')!;
    const signaling = Array.from({ length: replicas }, (_, i) => cluster.running.get(`signaling-${i}`)!);
    const pairs: [LoggedIn, LoggedIn][] = [];
    for (let i = 0; i < PAIRS_PER_REPLICA * replicas; i += 1) pairs.push([await login(session.url), await login(session.url)]);
    for (const pod of signaling) quotas.push(limitCpu(pod.pid, MILLICORES, `signaling-${quotas.length}`));
    if (burner) {
      neighbour = spawn(process.execPath, ['-e', BURNER], { stdio: 'ignore' });
      quotas.push(limitCpu(neighbour.pid!, MILLICORES, 'burner'));
    }
    const ring = hashRing(signaling.map((_, i) => `signaling-${i}`));
    const pick =
      routing === 'room'
        ? (room: string) => cluster.running.get(ring.owner(room)!)!.url
        : () => signaling[Math.floor(Math.random() * replicas)]!.url;

    const start = performance.now();
    const windowStart = start + WARM_UP_SECONDS * 1000;
    const windowEnd = windowStart + SECONDS * 1000;
    const reasons = new Set<string>();
    let completed = 0;
    let failed = 0;
    const sample = async () => {
      const taken = {
        cpu: signaling.map((pod) => cpuSeconds(pod.pid)),
        throttling: quotas.slice(0, replicas).map((quota) => quota.throttling()),
        broker: cluster.broker.counters(),
        self: cpuSeconds(process.pid),
        busy: machineBusySeconds(),
      };
      return { ...taken, counters: addCounters(await Promise.all(signaling.map((pod) => countersOf(pod.url)))) };
    };
    let before: ReturnType<typeof sample> | undefined;
    let after: ReturnType<typeof sample> | undefined;
    const windowTimers = [setTimeout(() => (before = sample()), windowStart - start), setTimeout(() => (after = sample()), windowEnd - start)];
    await Promise.all(
      pairs.map(async ([alice, bob]) => {
        while (performance.now() < windowEnd) {
          const began = performance.now();
          const ok = await spreadHandshake(pick, alice, bob, PARK_MS).then(
            () => true,
            (error: unknown) => {
              reasons.add(String(error));
              return false;
            },
          );
          const ended = performance.now();
          if (began < windowStart || ended > windowEnd) continue;
          if (ok) completed += 1;
          else failed += 1;
        }
      }),
    );
    windowTimers.forEach(clearTimeout);
    if (reasons.size > 0) console.error(`${replicas} replica(s), ${routing} routing, failed handshakes: ${[...reasons].join('; ')}`);
    if (before === undefined || after === undefined) throw new Error('the measuring window never closed');
    const b = await before;
    const a = await after;
    return {
      replicas,
      routing,
      burner,
      round,
      handshakesPerSecond: completed / SECONDS,
      failed,
      replicaUse: signaling.map((_, i) => {
        const periods = a.throttling[i]!.periods - b.throttling[i]!.periods;
        return {
          quota: (a.cpu[i]! - b.cpu[i]!) / SECONDS / (MILLICORES / 1000),
          throttled: periods === 0 ? 0 : (a.throttling[i]!.throttled - b.throttling[i]!.throttled) / periods,
        };
      }),
      crossingsPerHandshake: (a.counters.crossings - b.counters.crossings) / Math.max(1, completed),
      storeCallMs: ((a.counters.storeSeconds - b.counters.storeSeconds) / Math.max(1, a.counters.storeCalls - b.counters.storeCalls)) * 1000,
      gcPerHandshakeMs: ((a.counters.gcSeconds - b.counters.gcSeconds) / Math.max(1, completed)) * 1000,
      cpuPerHandshakeMs: (signaling.reduce((sum, _, i) => sum + a.cpu[i]! - b.cpu[i]!, 0) / Math.max(1, completed)) * 1000,
      busMessagesPerHandshake: (a.broker.sent + a.broker.received - b.broker.sent - b.broker.received) / Math.max(1, completed),
      generatorMillicores: ((a.self - b.self) / SECONDS) * 1000,
      machineBusy: (a.busy - b.busy) / SECONDS,
    };
  } finally {
    // Its group can be removed only once it has exited.
    if (neighbour !== undefined && neighbour.exitCode === null && neighbour.signalCode === null) {
      const exited = once(neighbour, 'exit');
      neighbour.kill('SIGKILL');
      await exited;
    }
    quotas.forEach((quota) => quota.release());
    await cluster.stop();
  }
}

const startedAt = new Date().toISOString();
const rows: Row[] = [];
for (let round = 1; round <= ROUNDS; round += 1) for (const spec of SPECS) rows.push(await measure(spec, round));
const percent = (value: number) => `${(value * 100).toFixed(0)} %`;
const label = (spec: Spec) =>
  spec.burner ? `${spec.replicas}, beside a ${MILLICORES}m burner` : `${spec.replicas}${spec.replicas === 1 ? '' : `, ${spec.routing === 'room' ? 'room affinity' : 'random'}`}`;
const alone = (row: Row) => rows.find((other) => other.round === row.round && other.replicas === 1 && !other.burner)!;
const ratio = (row: Row) => row.handshakesPerSecond / alone(row).handshakesPerSecond;
console.log(
  `Each signaling replica limited to ${MILLICORES}m; ${PAIRS_PER_REPLICA} handshakes in flight per replica; ${SECONDS} s measured after ${WARM_UP_SECONDS} s; ` +
    `${ROUNDS} interleaved round(s); wake-ups that cross go over HTTP.\n`,
);
console.log('| round | signaling replicas, routing | handshakes/s | vs 1 replica | failed | replica CPU per handshake | of which GC | mean store call | replica CPU, share of its limit | periods throttled | crossing wake-ups per handshake | crossed share of wake-ups | Service Bus messages per handshake | bench process (generator, Cosmos server, broker) | machine busy (cores) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  console.log(
    `| ${row.round} | ${label(row)} | ${row.handshakesPerSecond.toFixed(1)} | ${ratio(row).toFixed(2)}× | ${row.failed} | ${row.cpuPerHandshakeMs.toFixed(2)} ms | ${row.gcPerHandshakeMs.toFixed(2)} ms | ${row.storeCallMs.toFixed(1)} ms | ` +
      `${row.replicaUse.map((use) => percent(use.quota)).join(' / ')} | ${row.replicaUse.map((use) => percent(use.throttled)).join(' / ')} | ` +
      `${row.crossingsPerHandshake.toFixed(3)} | ${(row.crossingsPerHandshake * 50).toFixed(2)} % | ${row.busMessagesPerHandshake.toFixed(2)} | ${row.generatorMillicores.toFixed(0)}m | ${row.machineBusy.toFixed(2)} |`,
  );
}
// Capacity at the limit from CPU cost: N replicas each spending their whole quota, at the CPU
// per handshake measured. Where the machine, not the quota, capped a row's throughput, this is
// the figure the quota would allow; it is derived, and printed apart from the measured ratio.
const cpuRatio = (row: Row) => (row.replicas * alone(row).cpuPerHandshakeMs) / row.cpuPerHandshakeMs;
const range = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×`;
console.log(
  '\n| signaling replicas, routing | handshakes/s vs 1 replica, range over rounds | from CPU per handshake: N × 1-replica cost / this cost | rounds with every replica at ≥ ' +
    percent(SATURATED) +
    ' of its limit |\n| --- | --- | --- | --- |',
);
for (const spec of SPECS.filter((one) => one.replicas > 1 || one.burner)) {
  const same = rows.filter((row) => row.replicas === spec.replicas && row.routing === spec.routing && row.burner === spec.burner);
  const saturated = same.filter((row) => row.replicaUse.every((use) => use.quota >= SATURATED)).length;
  console.log(`| ${label(spec)} | ${range(same.map(ratio))} | ${range(same.map(cpuRatio))} | ${saturated} of ${same.length} |`);
}
const limited = rows.every((row) => row.replicaUse.every((use) => use.quota >= SATURATED));
console.log(
  limited
    ? `\nEvery replica ran at ≥ ${percent(SATURATED)} of its limit: the figures are the replicas' ceilings.`
    : `\nNot every replica reached ${percent(SATURATED)} of its limit: something else (the machine, the generator) capped a row; lower the limit or quiet the machine.`,
);
// Kept for `npm run bench:plots`, which draws the scaling plot from the newest of these.
const results: CeilingResults = {
  bench: 'replica-ceiling',
  startedAt,
  command: `npm run bench:cluster -- replica-ceiling ${process.argv.slice(2).join(' ')}`.trim(),
  environment: { revision: gitRevision(), node: process.version },
  millicores: MILLICORES,
  seconds: SECONDS,
  rounds: ROUNDS,
  pairsPerReplica: PAIRS_PER_REPLICA,
  rows,
};
console.log(`\nwritten to ${writeResultsJson(RESULTS_DIR, `${CEILING_PREFIX}${resultStamp(startedAt)}.json`, results)}`);

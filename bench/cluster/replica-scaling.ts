/**
 * What more signaling replicas buy, on the real cluster (session, N signaling, ice; Cosmos test
 * server; AMQP test broker), for N = 2, 3, 4. Every handshake is the bus's worst case: each
 * long-poll waits on one serving replica while the SDP it waits for is posted on the other, so
 * both wake-ups cross replicas. Replicas 2.. serve nothing. Measured per handshake: CPU of a
 * serving replica, of an idle one, of session and ice (from /proc), and Service Bus operations
 * counted at the broker, priced in Standard-tier credits (1 per message sent or received, 1 per
 * filter evaluation, 10 per management operation).
 * Usage: npm run bench:cluster -- replica-scaling [handshakes=300]
 */
import { launchCluster } from '../../test-support/cluster/launcher.ts';
import { testEnv } from '../../test-support/signal/harness.ts';
import type { BrokerCounters } from '../../test-support/servicebus-broker/index.ts';
import type { ChildService } from '../../test-support/signal/child-service.ts';
import { login, type LoggedIn } from '../../test-support/signal/harness.ts';
import { handshake } from '../lib/cluster-handshake.ts';
import { cpuSeconds } from '../lib/proc-stats.ts';

const HANDSHAKES = Number(process.argv[2] ?? 300);
const CONCURRENCY = 8;
/** Long enough on a loaded machine for a GET's watch to land before its POST, so every wake-up is a message. */
const PARK_MS = 120;

interface Row {
  replicas: number;
  servingUs: number;
  idleUs: number | undefined;
  sessionUs: number;
  iceUs: number;
  messages: number;
  filterEvaluations: number;
  managementOperations: number;
  /** Messages per directed send: 2 (one send, one receive) whatever the replica count. */
  perSend: number;
  /** Average CPU over the measured window, in millicores: what a pod's request should cover. */
  millicores: { serving: number; idle: number | undefined; session: number; ice: number };
  handshakesPerSecond: number;
  /** CPU per handshake with both long-polls and both POSTs on one replica (measured with 2 replicas). */
  localUs: number | undefined;
}

async function measure(replicas: number): Promise<Row> {
  const env = Object.fromEntries(Object.entries(testEnv()).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const cluster = await launchCluster({ signalingReplicas: replicas, env: () => env });
  const pod = (name: string) => cluster.running.get(name)!;
  const session = pod('session-0');
  const ice = pod('ice-0');
  const signaling = Array.from({ length: replicas }, (_, i) => pod(`signaling-${i}`));
  try {
    const [s0, s1] = signaling as [ChildService, ChildService];
    const pairs: [LoggedIn, LoggedIn][] = [];
    for (let i = 0; i < CONCURRENCY; i += 1) pairs.push([await login(session.url), await login(session.url)]);
    const run = async (count: number, aliceAt = s1.url) => {
      let next = 0;
      await Promise.all(
        pairs.map(async ([alice, bob]) => {
          while (next < count) {
            next += 1;
            await handshake(s0.url, aliceAt, alice, bob, PARK_MS);
          }
        }),
      );
    };
    await run(80);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pids = [session.pid, ice.pid, ...signaling.map((s) => s.pid)];
    const before = { cpu: pids.map(cpuSeconds), broker: cluster.broker.counters(), at: performance.now() };
    await run(HANDSHAKES);
    const seconds = (performance.now() - before.at) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cpu = pids.map((pid, index) => ((cpuSeconds(pid) - before.cpu[index]!) / HANDSHAKES) * 1e6);
    const mcpu = (us: number) => (us * HANDSHAKES) / 1000 / seconds;
    const broker = cluster.broker.counters();
    const per = (key: keyof BrokerCounters) => (broker[key] - before.broker[key]) / HANDSHAKES;
    const [sessionUs, iceUs, serving0, serving1, ...idle] = cpu as [number, number, number, number, ...number[]];
    let localUs: number | undefined;
    if (replicas === 2) {
      const start = cpuSeconds(s0.pid);
      await run(HANDSHAKES, s0.url);
      localUs = ((cpuSeconds(s0.pid) - start) / HANDSHAKES) * 1e6;
    }
    const idleUs = idle.length > 0 ? idle.reduce((a, b) => a + b, 0) / idle.length : undefined;
    return {
      replicas,
      servingUs: (serving0 + serving1) / 2,
      idleUs,
      millicores: { serving: mcpu((serving0 + serving1) / 2), idle: idleUs === undefined ? undefined : mcpu(idleUs), session: mcpu(sessionUs), ice: mcpu(iceUs) },
      handshakesPerSecond: HANDSHAKES / seconds,
      localUs,
      sessionUs,
      iceUs,
      messages: per('sent') + per('received'),
      filterEvaluations: per('filterEvaluations'),
      managementOperations: per('managementOperations'),
      perSend: (per('sent') + per('received')) / per('sent'),
    };
  } finally {
    await cluster.stop();
  }
}

const rows: Row[] = [];
for (const replicas of [2, 3, 4]) rows.push(await measure(replicas));
const us = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(0)} µs`);
const share = (value: number | undefined, serving: number) => (value === undefined ? '–' : `${((value / serving) * 100).toFixed(1)} %`);
console.log(`${HANDSHAKES} cross-replica handshakes per row (each long-poll on one serving replica, its SDP posted on the other)\n`);
console.log('| signaling replicas | CPU per handshake, serving replica | idle replica | session | ice | idle / session / ice share of serving | SB messages (sent + received) | per wake-up sent | filter evaluations | management ops | Standard credits |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const credits = row.messages + row.filterEvaluations + 10 * row.managementOperations;
  console.log(
    `| ${row.replicas} | ${us(row.servingUs)} | ${us(row.idleUs)} | ${us(row.sessionUs)} | ${us(row.iceUs)} | ` +
      `${share(row.idleUs, row.servingUs)} / ${share(row.sessionUs, row.servingUs)} / ${share(row.iceUs, row.servingUs)} | ` +
      `${row.messages.toFixed(2)} | ${row.perSend.toFixed(2)} | ${row.filterEvaluations.toFixed(2)} | ${row.managementOperations.toFixed(2)} | ${credits.toFixed(2)} |`,
  );
}

console.log('\n| signaling replicas | handshakes/s in the window | millicores: serving replica | idle replica | session | ice |\n| --- | --- | --- | --- | --- | --- |');
const m = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(1));
for (const row of rows) {
  console.log(`| ${row.replicas} | ${row.handshakesPerSecond.toFixed(0)} | ${m(row.millicores.serving)} | ${m(row.millicores.idle)} | ${m(row.millicores.session)} | ${m(row.millicores.ice)} |`);
}

// The model: each of a handshake's two wake-ups crosses replicas with probability (N-1)/N when
// requests are spread evenly, so CPU and Service Bus cost per handshake interpolate between the
// measured same-replica and cross-replica handshakes. One core per replica, used to 100 %.
const two = rows[0]!;
const localUs = two.localUs!;
const crossUs = 2 * two.servingUs;
const crossCredits = two.messages + two.filterEvaluations;
console.log(`\nModel terms (2-replica row): same-replica handshake ${localUs.toFixed(0)} µs CPU, 0 credits; cross-replica handshake ${crossUs.toFixed(0)} µs CPU over both replicas, ${crossCredits.toFixed(2)} credits.`);
console.log('\n| signaling replicas | CPU per handshake | CPU-bound ceiling (handshakes/s) | vs 1 replica | SB Standard credits per handshake | Standard-bound ceiling (1,000 credits/s) | Premium |\n| --- | --- | --- | --- | --- | --- | --- |');
const ceiling1 = 1e6 / localUs;
for (const n of [1, 2, 4, 8, 16]) {
  const remote = (n - 1) / n;
  const us = localUs + remote * (crossUs - localUs);
  const ceiling = (n * 1e6) / us;
  const credits = remote * crossCredits;
  const standard = credits === 0 ? 'no bus traffic' : (1000 / credits).toFixed(0);
  console.log(`| ${n} | ${us.toFixed(0)} µs | ${ceiling.toFixed(0)} | ${(ceiling / ceiling1).toFixed(2)}× | ${credits.toFixed(2)} | ${standard} | not credit-bound: the CPU-bound ceiling |`);
}

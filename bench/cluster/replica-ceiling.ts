/**
 * What a second signaling replica buys at its CPU limit, measured rather than modelled: the
 * cluster (session, N signaling, ice; Cosmos test server; AMQP test broker) with every signaling
 * process held to the same CFS quota (the mechanism of a pod's CPU limit) and driven past it by
 * handshakes whose four requests each go to a replica chosen at random, as an ingress spreads
 * concurrent requests.
 * A wake-up crosses replicas whenever its GET and its POST landed on different ones. Prints
 * handshakes/s for 1 and 2 replicas in the same run and their ratio, and checks that the
 * replicas, not the rest of the machine, were the limit (each replica near its quota and
 * throttled, the machine not saturated). Needs root for the cgroups.
 * Usage: node bench/cluster/replica-ceiling.ts [millicores=250] [seconds=20]
 */
import { launchCluster } from '../../test-support/cluster/launcher.ts';
import { login, testEnv, type LoggedIn } from '../../test-support/signal/harness.ts';
import { spreadHandshake } from '../lib/cluster-handshake.ts';
import { limitCpu, type CpuQuota } from '../lib/cpu-quota.ts';
import { cpuSeconds, machineBusySeconds } from '../lib/proc-stats.ts';

const MILLICORES = Number(process.argv[2] ?? 250);
const SECONDS = Number(process.argv[3] ?? 20);
const WARM_UP_SECONDS = 5;
/** Handshakes in flight: enough to keep two throttled replicas busy through every 120 ms park. */
const PAIRS = 96;
/** Long enough for a GET to park before its POST, so every wake-up is one (a message when it crosses). */
const PARK_MS = 120;
/** Below this share of its quota a replica was not the limit, and the row says so. */
const SATURATED = 0.85;

/** Env of a replica woken directly: every replica listens on a free port of the loopback. */
const DIRECT = { WAKEUPS: 'direct', WAKEUP_SECRET: 'a bench secret of more than thirty-two characters', WAKEUP_HOST: '127.0.0.1', WAKEUP_PORT: '0' };

interface Row {
  replicas: number;
  wakeups: 'servicebus' | 'direct';
  handshakesPerSecond: number;
  failed: number;
  /** CPU each replica used, as a share of its quota, and the share of its periods it was throttled in. */
  replicaUse: { quota: number; throttled: number }[];
  crossingsPerHandshake: number;
  busMessagesPerHandshake: number;
  generatorMillicores: number;
  machineBusy: number;
}

/** Wake-ups a replica sent to another (either transport), from its own counter. */
async function wakeUpsSent(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => /^signal_bus_events_published_total\{[^}]*kind="sdp\.posted"[^}]*outcome="ok"/.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function measure(replicas: number, wakeups: Row['wakeups']): Promise<Row> {
  const env = Object.fromEntries(Object.entries(testEnv(wakeups === 'direct' ? DIRECT : {})).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const cluster = await launchCluster({ signalingReplicas: replicas, env: () => env });
  const quotas: CpuQuota[] = [];
  try {
    const session = cluster.running.get('session-0')!;
    const signaling = Array.from({ length: replicas }, (_, i) => cluster.running.get(`signaling-${i}`)!);
    const pairs: [LoggedIn, LoggedIn][] = [];
    for (let i = 0; i < PAIRS; i += 1) pairs.push([await login(session.url), await login(session.url)]);
    for (const pod of signaling) quotas.push(limitCpu(pod.pid, MILLICORES, `signaling-${quotas.length}`));
    const pick = () => signaling[Math.floor(Math.random() * replicas)]!.url;

    const start = performance.now();
    const windowStart = start + WARM_UP_SECONDS * 1000;
    const windowEnd = windowStart + SECONDS * 1000;
    const reasons = new Set<string>();
    let completed = 0;
    let failed = 0;
    const sample = async () => {
      const taken = {
        cpu: signaling.map((pod) => cpuSeconds(pod.pid)),
        throttling: quotas.map((quota) => quota.throttling()),
        broker: cluster.broker.counters(),
        self: cpuSeconds(process.pid),
        busy: machineBusySeconds(),
      };
      const crossings = (await Promise.all(signaling.map((pod) => wakeUpsSent(pod.url)))).reduce((sum, count) => sum + count, 0);
      return { ...taken, crossings };
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
    if (reasons.size > 0) console.error(`${replicas} replica(s), failed handshakes: ${[...reasons].join('; ')}`);
    if (before === undefined || after === undefined) throw new Error('the measuring window never closed');
    const b = await before;
    const a = await after;
    return {
      replicas,
      wakeups,
      handshakesPerSecond: completed / SECONDS,
      failed,
      replicaUse: signaling.map((_, i) => {
        const periods = a.throttling[i]!.periods - b.throttling[i]!.periods;
        return {
          quota: (a.cpu[i]! - b.cpu[i]!) / SECONDS / (MILLICORES / 1000),
          throttled: periods === 0 ? 0 : (a.throttling[i]!.throttled - b.throttling[i]!.throttled) / periods,
        };
      }),
      crossingsPerHandshake: (a.crossings - b.crossings) / Math.max(1, completed),
      busMessagesPerHandshake: (a.broker.sent + a.broker.received - b.broker.sent - b.broker.received) / Math.max(1, completed),
      generatorMillicores: ((a.self - b.self) / SECONDS) * 1000,
      machineBusy: (a.busy - b.busy) / SECONDS,
    };
  } finally {
    quotas.forEach((quota) => quota.release());
    await cluster.stop();
  }
}

const rows: Row[] = [];
for (const [replicas, wakeups] of [[1, 'servicebus'], [2, 'servicebus'], [2, 'direct']] as const) rows.push(await measure(replicas, wakeups));
const percent = (value: number) => `${(value * 100).toFixed(0)} %`;
console.log(`Each signaling replica limited to ${MILLICORES}m; ${PAIRS} handshakes in flight, each request to a random replica; ${SECONDS} s measured after ${WARM_UP_SECONDS} s.\n`);
console.log('| signaling replicas | wake-ups | handshakes/s | vs 1 replica | failed | replica CPU, share of its limit | periods throttled | crossing wake-ups per handshake | Service Bus messages per handshake | bench process (generator, Cosmos server, broker) | machine busy (cores) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const one = rows[0]!.handshakesPerSecond;
for (const row of rows) {
  console.log(
    `| ${row.replicas} | ${row.replicas === 1 ? '–' : row.wakeups} | ${row.handshakesPerSecond.toFixed(1)} | ${(row.handshakesPerSecond / one).toFixed(2)}× | ${row.failed} | ` +
      `${row.replicaUse.map((use) => percent(use.quota)).join(' / ')} | ${row.replicaUse.map((use) => percent(use.throttled)).join(' / ')} | ` +
      `${row.crossingsPerHandshake.toFixed(2)} | ${row.busMessagesPerHandshake.toFixed(2)} | ${row.generatorMillicores.toFixed(0)}m | ${row.machineBusy.toFixed(2)} |`,
  );
}
const limited = rows.every((row) => row.replicaUse.every((use) => use.quota >= SATURATED));
console.log(
  limited
    ? `\nEvery replica ran at ≥ ${percent(SATURATED)} of its limit: the figures are the replicas' ceilings.`
    : `\nNot every replica reached ${percent(SATURATED)} of its limit: something else (the machine, the generator) capped a row; lower the limit or quiet the machine.`,
);

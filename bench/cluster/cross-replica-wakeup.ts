/**
 * Cross-replica wake-up latency: a long-poll parked on one signaling replica, the matching POST on
 * another, measured from the POST's response to the woken GET's response. Beside it the same
 * exchange with both requests on one replica. Runs the real cluster (four processes, Cosmos test
 * server, AMQP test broker). Usage: npm run bench:cluster -- cross-replica-wakeup [handshakes=1000]
 */
import { startCluster } from '../../test-support/cluster/cluster.ts';
import { get, login, post, ROOM, sdpQuery, sdpText, type LoggedIn } from '../../test-support/signal/harness.ts';

const HANDSHAKES = Number(process.argv[2] ?? 1000);
const CONCURRENCY = 8;

async function exchange(waitAt: string, postAt: string, from: LoggedIn, to: LoggedIn): Promise<number> {
  const waiting = get(waitAt, `/offer?${sdpQuery(from.uuid, { wait: '10' })}`, to.cookie);
  // Give the GET time to park before the POST, as a real callee polls before the caller offers.
  await new Promise((resolve) => setTimeout(resolve, 30));
  const posted = await post(postAt, '/offer', from.cookie, { to: to.uuid, sdp: sdpText('bench'), room: ROOM });
  const postedAt = performance.now();
  if (posted.status !== 200) throw new Error(`POST ${posted.status}`);
  const res = await waiting;
  const latency = performance.now() - postedAt;
  if (res.status !== 200) throw new Error(`woken GET ${res.status}`);
  await res.arrayBuffer();
  await post(postAt, '/expire', from.cookie, { source: from.uuid, type: 'offer', destination: to.uuid, room: ROOM });
  return latency;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function measure(label: string, waitAt: string, postAt: string, pairs: [LoggedIn, LoggedIn][]): Promise<string> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    pairs.map(async ([from, to]) => {
      while (next < HANDSHAKES) {
        next += 1;
        latencies.push(await exchange(waitAt, postAt, from, to));
      }
    }),
  );
  latencies.sort((x, y) => x - y);
  const f = (ms: number) => ms.toFixed(1);
  return `| ${label} | ${latencies.length} | ${f(percentile(latencies, 50))} | ${f(percentile(latencies, 99))} | ${f(latencies.at(-1) ?? Number.NaN)} |`;
}

const cluster = await startCluster({ RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_SESSION_PER_MINUTE: '0' });
try {
  const [a, b] = cluster.signaling;
  const pairs: [LoggedIn, LoggedIn][] = [];
  for (let i = 0; i < CONCURRENCY; i += 1) pairs.push([await login(cluster.session.url), await login(cluster.session.url)]);
  await measure('warm-up', a.url, b.url, pairs.slice(0, 2));
  const rows = [await measure('same replica (GET and POST on A)', a.url, a.url, pairs), await measure('cross replica (GET on A, POST on B)', a.url, b.url, pairs)];
  console.log(['| case | handshakes | p50 ms | p99 ms | max ms |', '| --- | --- | --- | --- | --- |', ...rows].join('\n'));
} finally {
  await cluster.stop();
}

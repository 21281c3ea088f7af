/**
 * What a second signaling replica buys. Each replica serves its share of handshakes and, because
 * every replica receives every event, also handles the bus events of all the others. This measures
 * both costs on the real cluster (Cosmos test server, AMQP test broker): CPU per handshake on the
 * replica that serves it, and CPU per foreign event on a replica that only listens.
 * Usage: node bench/cluster/replica-scaling.ts [handshakes=400]
 */
import { randomUUID } from 'node:crypto';
import { startCluster } from '../../test-support/cluster/cluster.ts';
import { login, post } from '../../test-support/signal/harness.ts';
import { cpuSeconds } from '../lib/proc-stats.ts';
import { SAMPLE_SDP } from '../lib/sample-sdp.ts';

const HANDSHAKES = Number(process.argv[2] ?? 400);
const CONCURRENCY = 8;

async function received(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('signal_bus_events_received_total{') && line.includes('outcome="ok"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

const cluster = await startCluster({ RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_SESSION_PER_MINUTE: '0' });
try {
  const [serving, listening] = cluster.signaling;
  const pairs = await Promise.all(Array.from({ length: CONCURRENCY }, async () => [await login(cluster.session.url), await login(cluster.session.url)] as const));
  // Offer and answer POSTs: the two store writes and two events of a handshake (reads are local work measured by npm run bench).
  const run = async (count: number) => {
    let next = 0;
    await Promise.all(
      pairs.map(async ([a, b]) => {
        while (next < count) {
          next += 1;
          const room = { uuid: randomUUID(), shortname: 'scaling' };
          await post(serving.url, '/offer', a.cookie, { to: b.uuid, sdp: SAMPLE_SDP, room });
          await post(serving.url, '/answer', b.cookie, { to: a.uuid, sdp: SAMPLE_SDP, room });
        }
      }),
    );
  };
  await run(50);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = { serving: cpuSeconds(serving.pid), listening: cpuSeconds(listening.pid), events: await received(listening.url) };
  await run(HANDSHAKES);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const events = (await received(listening.url)) - before.events;
  const servingUs = ((cpuSeconds(serving.pid) - before.serving) / HANDSHAKES) * 1e6;
  const listeningUs = ((cpuSeconds(listening.pid) - before.listening) / events) * 1e6;
  console.log(`| measure | value |\n| --- | --- |`);
  console.log(`| handshakes posted on replica A (offer + answer POST) | ${HANDSHAKES} |`);
  console.log(`| CPU on A per handshake (2 POSTs, 2 Cosmos writes, 2 publishes) | ${servingUs.toFixed(0)} µs |`);
  console.log(`| events received by replica B | ${events} |`);
  console.log(`| CPU on B per foreign event (receive, decode, wake nobody) | ${listeningUs.toFixed(0)} µs |`);
  console.log(`| share of a replica's CPU spent on others' events, 2 replicas | ${((2 * listeningUs) / (servingUs + 2 * listeningUs) * 100).toFixed(1)} % |`);
} finally {
  await cluster.stop();
}

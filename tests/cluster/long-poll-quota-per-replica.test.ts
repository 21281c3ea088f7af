/**
 * LONGPOLL_MAX_PER_USER is counted by each signaling replica on its own (counting across replicas
 * would put a store write on the start and the end of every long-poll). This pins the documented
 * cluster-wide bound: one user holds the limit on each replica, never more, so at most
 * replicas x limit in all.
 */
import { startCluster, type Cluster } from '../../test-support/cluster/cluster.ts';
import { get, login, sdpQuery } from '../../test-support/signal/harness.ts';

const LIMIT = 3;
let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ LONGPOLL_MAX_PER_USER: String(LIMIT), LONGPOLL_MAX_SECONDS: '20' });
}, 60_000);
afterAll(() => cluster?.stop(), 30_000);

test('one user holds LONGPOLL_MAX_PER_USER long-polls on each of two replicas (2 x limit), and the next on either is 429', async () => {
  const user = await login(cluster.session.url);
  const abort = new AbortController();
  const held: Promise<unknown>[] = [];
  let answered = 0;
  try {
    for (const replica of cluster.signaling) {
      for (let i = 0; i < LIMIT; i += 1) {
        held.push(get(replica.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '20' })}`, user.cookie, abort.signal).then(() => (answered += 1), () => undefined));
      }
    }
    // Each replica counts its own: the waits above are all parked before the probes, which get 429 at once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const probes = await Promise.all(cluster.signaling.map((replica) => get(replica.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '20' })}`, user.cookie, abort.signal)));
    expect(probes.map((res) => res.status)).toEqual([429, 429]);
    // ... while all 2 x limit waits are still held, none answered (a 429 would have come back at once).
    expect(answered).toBe(0);
  } finally {
    abort.abort();
    await Promise.all(held);
  }
}, 30_000);

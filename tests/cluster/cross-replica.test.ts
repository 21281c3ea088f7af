import { startCluster, type Cluster } from '../../test-support/cluster/cluster.ts';
import { get, login, post, ROOM, sdpQuery, sdpText } from '../../test-support/signal/harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  // A long session cache on signaling proves logout reaches it through the bus, not the store.
  cluster = await startCluster({ SESSION_CACHE_SECONDS: '120', LONGPOLL_FALLBACK_INTERVAL_SECONDS: '1' });
}, 60_000);
afterAll(() => cluster?.stop(), 30_000);

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** B long-polls on one replica while A posts on another; resolves with the wake-up latency. */
async function crossReplicaExchange(type: 'offer' | 'answer', from: { cookie: string; uuid: string }, to: { cookie: string; uuid: string }, postAt: string, waitAt: string): Promise<number> {
  const waiting = get(waitAt, `/${type}?${sdpQuery(from.uuid, { wait: '20' })}`, to.cookie);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const posted = await post(postAt, `/${type}`, from.cookie, { to: to.uuid, sdp: sdpText(type), room: ROOM });
  expect(posted.status).toBe(200);
  const postedAt = Date.now();
  const res = await waiting;
  const latency = Date.now() - postedAt;
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ from: from.uuid, sdp: sdpText(type) });
  return latency;
}

test('a two-user handshake with every request on a different replica', async () => {
  const [a, b] = cluster.signaling;
  const alice = await login(cluster.session.url);
  const bob = await login(cluster.session.url);
  expect((await get(cluster.ice.url, '/ice_servers', alice.cookie)).status).toBe(200);
  expect((await get(cluster.ice.url, '/ice_servers', bob.cookie)).status).toBe(200);

  const offerLatency = await crossReplicaExchange('offer', alice, bob, b.url, a.url);
  const answerLatency = await crossReplicaExchange('answer', bob, alice, a.url, b.url);
  // Woken by the bus event, far sooner than the 1 s fallback re-check would.
  expect(offerLatency).toBeLessThan(900);
  expect(answerLatency).toBeLessThan(900);

  const expire = { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM };
  expect((await post(a.url, '/expire', alice.cookie, expire)).status).toBe(200);
  expect((await get(b.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(204);
});

test('logout on the session replica ends the session on every other replica at once', async () => {
  const [a, b] = cluster.signaling;
  const alice = await login(cluster.session.url);
  for (const service of [a, b, cluster.ice]) expect((await get(service.url, '/ice_servers', alice.cookie)).status).not.toBe(401);
  // Warm both signaling caches so only a bus event can make them forget the session.
  for (const service of [a, b]) expect((await get(service.url, `/offer?${sdpQuery(alice.uuid)}`, alice.cookie)).status).toBe(204);
  expect((await get(cluster.session.url, '/logout', alice.cookie)).status).toBe(200);
  await until(async () => {
    const statuses = await Promise.all([a, b].map(async (s) => (await get(s.url, `/offer?${sdpQuery(alice.uuid)}`, alice.cookie)).status));
    return statuses.every((status) => status === 401);
  }, 5000);
  expect((await get(cluster.ice.url, '/ice_servers', alice.cookie)).status).toBe(401);
});

test('with the broker down long-polls degrade to store re-checks, and recover when it returns', async () => {
  const [a, b] = cluster.signaling;
  const alice = await login(cluster.session.url);
  const bob = await login(cluster.session.url);

  await cluster.broker.stop();
  await until(async () => (await metric(a.url, 'signal_bus_connected')) === 0 && (await metric(b.url, 'signal_bus_connected')) === 0);
  // Posting still works: the store is the source of truth.
  const degraded = await crossReplicaExchange('offer', alice, bob, b.url, a.url);
  expect(degraded).toBeLessThan(3000);

  await cluster.broker.restart();
  await until(async () => (await metric(a.url, 'signal_bus_connected')) === 1 && (await metric(b.url, 'signal_bus_connected')) === 1, 30_000);
  const recovered = await crossReplicaExchange('answer', bob, alice, a.url, b.url);
  expect(recovered).toBeLessThan(900);
}, 90_000);

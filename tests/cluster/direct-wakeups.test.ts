import { startCluster, type Cluster } from '../../test-support/cluster/cluster.ts';
import { get, login, post, ROOM, sdpQuery, sdpText } from '../../test-support/signal/harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  // A 30 s re-check: a long-poll answered sooner was woken, not found by polling.
  cluster = await startCluster({
    WAKEUPS: 'direct',
    WAKEUP_SECRET: 'a shared secret of more than thirty-two characters',
    WAKEUP_HOST: '127.0.0.1',
    WAKEUP_PORT: '0',
    LONGPOLL_FALLBACK_INTERVAL_SECONDS: '30',
  });
}, 60_000);
afterAll(() => cluster?.stop(), 30_000);

async function metric(url: string, line: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => line.test(l)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

test('a handshake with every wake-up crossing replicas is woken over TCP, with no Service Bus message', async () => {
  const [a, b] = cluster.signaling;
  const alice = await login(cluster.session.url);
  const bob = await login(cluster.session.url);
  const before = cluster.broker.counters();
  for (const [type, from, to, waitAt, postAt] of [
    ['offer', alice, bob, a, b],
    ['answer', bob, alice, b, a],
  ] as const) {
    const waiting = get(waitAt.url, `/${type}?${sdpQuery(from.uuid, { wait: '20' })}`, to.cookie);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await post(postAt.url, `/${type}`, from.cookie, { to: to.uuid, sdp: sdpText(type), room: ROOM })).status).toBe(200);
    const postedAt = Date.now();
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ from: from.uuid, sdp: sdpText(type) });
    expect(Date.now() - postedAt).toBeLessThan(2_000);
  }
  const after = cluster.broker.counters();
  expect(after.sent - before.sent).toBe(0);
  expect(after.received - before.received).toBe(0);
  for (const replica of [a, b]) expect(await metric(replica.url, /^signal_longpoll_wakeups_total\{.*outcome="woken"/)).toBeGreaterThanOrEqual(1);
});

test('a wake-up for a SIGKILLed replica is dropped, not an outage; the client re-polls on the other replica and finds the SDP', async () => {
  const [a, b] = cluster.signaling;
  const alice = await login(cluster.session.url);
  const bob = await login(cluster.session.url);
  const room = { uuid: '00000000-0000-0000-0000-0000000000d1', shortname: ROOM.shortname };
  const query = `signalId=${alice.uuid}&room=${room.uuid}&shortname=${room.shortname}`;
  const abandoned = get(a.url, `/offer?${query}&wait=20`, bob.cookie).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Restarted on a new port: the address on the slot now leads nowhere.
  await cluster.restart(a, { crash: true });
  await abandoned;
  const dropped = () => metric(b.url, /^signal_bus_events_published_total\{.*kind="sdp.posted".*outcome="dropped"/);
  const droppedBefore = await dropped();
  expect((await post(b.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('offer'), room })).status).toBe(200);
  // The wake-up is sent after the POST is answered: wait for its outcome.
  const deadline = Date.now() + 5_000;
  while ((await dropped()) === droppedBefore && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await dropped()).toBe(droppedBefore + 1);
  expect(await metric(b.url, /^signal_bus_connected[{ ]/)).toBe(1);
  const again = await get(b.url, `/offer?${query}&wait=5`, bob.cookie);
  expect(again.status).toBe(200);
  expect(await again.json()).toEqual({ from: alice.uuid, sdp: sdpText('offer') });
});

import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, type TestSignal } from '../../../test-support/signal/harness.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startSignal({ env: { LONGPOLL_MAX_SECONDS: '20', LONGPOLL_MAX_PER_SESSION: '2' } });
});
afterAll(() => signal.shutdown());

const waiting = () => signal.platform.metrics.registry.getSingleMetric('signal_longpoll_waiters')!.get().then((m) => m.values[0]?.value ?? 0);

async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a waiting GET is woken by the matching POST and never reads the store while waiting, nor after (same replica)', async () => {
  const alice = await login(signal.url);
  const bob = await login(signal.url);
  const reads = () => signal.platform.metrics.storeDuration.get().then((m) => m.values.filter((v) => v.labels.op === 'sdp_get' && v.metricName?.endsWith('_count')).reduce((n, v) => n + v.value, 0));
  const pending = get(signal.url, `/answer?${sdpQuery(bob.uuid, { wait: '15' })}`, alice.cookie);
  await until(async () => (await waiting()) === 1);
  const readsWhileWaiting = await reads();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await reads()).toBe(readsWhileWaiting);
  const started = Date.now();
  await post(signal.url, '/answer', bob.cookie, { to: alice.uuid, sdp: sdpText('answer'), room: ROOM });
  const res = await pending;
  expect(Date.now() - started).toBeLessThan(5000);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ from: bob.uuid, sdp: sdpText('answer') });
  // The POST handed the record it wrote to the waiter on its own replica.
  expect(await reads()).toBe(readsWhileWaiting);
  expect(await waiting()).toBe(0);
});

test('an SDP already stored answers a waiting GET at once', async () => {
  const alice = await login(signal.url);
  const bob = await login(signal.url);
  await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('o'), room: ROOM });
  const res = await get(signal.url, `/offer?${sdpQuery(alice.uuid, { wait: '20' })}`, bob.cookie);
  expect(res.status).toBe(200);
});

test('a wait that ends without an SDP is 204', async () => {
  const alice = await login(signal.url);
  const res = await get(signal.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '1' })}`, alice.cookie);
  expect(res.status).toBe(204);
  expect(await waiting()).toBe(0);
});

test('a client that goes away leaves no waiter behind', async () => {
  const alice = await login(signal.url);
  const abort = new AbortController();
  const pending = get(signal.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '20' })}`, alice.cookie, abort.signal).catch(() => 'aborted');
  await until(async () => (await waiting()) === 1);
  abort.abort();
  expect(await pending).toBe('aborted');
  await until(async () => (await waiting()) === 0);
});

test('waits beyond LONGPOLL_MAX_SECONDS are refused', async () => {
  const alice = await login(signal.url);
  const res = await get(signal.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '21' })}`, alice.cookie);
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ body: 'Invalid wait 21: whole seconds from 0 to 20' });
});

test('a user may hold LONGPOLL_MAX_PER_SESSION (the old name of LONGPOLL_MAX_PER_USER) waits at once; the next is 429 with Retry-After', async () => {
  const alice = await login(signal.url);
  const abort = new AbortController();
  const held = [1, 2].map(() => get(signal.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '20' })}`, alice.cookie, abort.signal).catch(() => undefined));
  await until(async () => (await waiting()) === 2);
  const res = await get(signal.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '20' })}`, alice.cookie);
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(await res.json()).toEqual({ body: 'Too many waiting requests for this user' });
  abort.abort();
  await Promise.all(held);
  await until(async () => (await waiting()) === 0);
});

test('shutdown answers waiting long-polls with 204', async () => {
  const own = await startSignal();
  const alice = await login(own.url);
  const pending = get(own.url, `/offer?${sdpQuery(crypto.randomUUID(), { wait: '20' })}`, alice.cookie);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const stopping = own.shutdown();
  expect((await pending).status).toBe(204);
  await stopping;
});

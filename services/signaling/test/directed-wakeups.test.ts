import { randomUUID } from 'node:crypto';
import { peerId, roomId } from '@signal/common/api/ids';
import { systemClock } from '@signal/common/clock';
import { DirectWakeupBus } from '@signal/common/adapters/direct/direct-wakeup-bus';
import { InProcessBus } from '@signal/common/adapters/memory/in-process-bus';
import { MemorySdpStore } from '../src/store/memory-sdp-store.ts';
import { MAX_CARRIED_SDP_LENGTH, type EventEnvelope } from '@signal/common/ports/event-bus';
import type { SdpKey, SdpRecord, SdpStore, SlotWaiter } from '@signal/signaling/store/sdp-store';
import { exchangeReplicas, type ExchangeReplica } from '../../../test-support/replicas/exchange-replicas.ts';
import { LoopbackNetwork } from '../../../test-support/replicas/loopback-network.ts';
import { runWakeupRaces, seededRandom } from '../../../test-support/replicas/wakeup-races.ts';
import { LaggingSdpStore } from '../../../test-support/stores/lagging-sdp-store.ts';

const stores: SdpStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function memoryStore(): MemorySdpStore {
  const store = new MemorySdpStore(systemClock);
  stores.push(store);
  return store;
}

function twoReplicas(sdps: SdpStore, network = new LoopbackNetwork()): { network: LoopbackNetwork; replicas: ExchangeReplica[] } {
  const replicas = exchangeReplicas(sdps, [network.bus('inbox-a'), network.bus('inbox-b')], { LONGPOLL_FALLBACK_INTERVAL_SECONDS: '1' });
  return { network, replicas };
}

const never = () => new AbortController().signal;
const room = () => ({ uuid: roomId(randomUUID()), shortname: 'wake-ups' });
const [alice, bob] = [peerId('alice'), peerId('bob')];
const races = { rounds: 300, concurrency: 30, waitSeconds: 2, maxDelayMs: 40 };
type Posted = EventEnvelope<'sdp.posted'>['data'];
/** Wake-ups stripped of some fields on their way: the record (an SDP too long to carry), and the token too (the bug read-your-writes fixed). */
const stripping = (...fields: ('record' | 'token')[]) => (event: EventEnvelope): EventEnvelope => {
  if (event.kind !== 'sdp.posted') return event;
  const data: Posted = { ...(event.data as Posted) };
  for (const field of fields) delete data[field];
  return { ...event, data };
};

async function published(replica: ExchangeReplica, outcome: string): Promise<number> {
  const { values } = await replica.metrics.busPublished.get();
  return values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

test('randomised park/post races across two replicas lose no wake-up', async () => {
  const { replicas } = twoReplicas(memoryStore());
  const result = await runWakeupRaces(replicas, { ...races, random: seededRandom(13) });
  expect(result.lost).toBe(0);
  expect(result.wokenAfterPostMs.length).toBeGreaterThan(races.rounds / 10);
});

test('the same races over direct wake-ups (real TCP between the two replicas) lose no wake-up', async () => {
  const refused: string[] = [];
  const buses = await Promise.all(
    [0, 1].map(() =>
      DirectWakeupBus.start({
        broadcasts: new InProcessBus(),
        port: 0,
        listenHost: '127.0.0.1',
        advertiseHost: '127.0.0.1',
        secrets: ['a shared secret of more than thirty-two characters'],
        clock: systemClock,
        onRejected: (reason) => refused.push(reason),
      }),
    ),
  );
  try {
    const replicas = exchangeReplicas(memoryStore(), buses, { LONGPOLL_FALLBACK_INTERVAL_SECONDS: '1' });
    const result = await runWakeupRaces(replicas, { ...races, random: seededRandom(17) });
    expect(result.lost).toBe(0);
    expect(result.wokenAfterPostMs.length).toBeGreaterThan(races.rounds / 10);
    expect(refused).toEqual([]);
  } finally {
    await Promise.all(buses.map((bus) => bus.close()));
  }
});

test('read-your-writes: with a store that hides writes from tokenless readers, token-less wake-ups stall and token-carrying ones do not', async () => {
  const lagging = new LaggingSdpStore(memoryStore(), systemClock, 2_500);
  const bug = await runWakeupRaces(twoReplicas(lagging, new LoopbackNetwork(stripping('record', 'token'))).replicas, { ...races, rounds: 90, random: seededRandom(7) });
  expect(lagging.staleReads).toBeGreaterThan(0);
  expect(bug.lost).toBeGreaterThan(0);

  const byToken = await runWakeupRaces(twoReplicas(new LaggingSdpStore(memoryStore(), systemClock, 2_500), new LoopbackNetwork(stripping('record'))).replicas, { ...races, random: seededRandom(7) });
  expect(byToken.lost).toBe(0);

  const carried = await runWakeupRaces(twoReplicas(new LaggingSdpStore(memoryStore(), systemClock, 2_500)).replicas, { ...races, random: seededRandom(7) });
  expect(carried.lost).toBe(0);
});

test('a remote waiter woken with the carried record answers without a store read; an SDP too long to carry is read with the token', async () => {
  const counting = new ReadCountingSdpStore(memoryStore());
  const { replicas } = twoReplicas(counting);
  const [a, b] = replicas as [ExchangeReplica, ExchangeReplica];
  const short = 'v=0 '.padEnd(MAX_CARRIED_SDP_LENGTH, 'a');
  const long = 'v=0 '.padEnd(MAX_CARRIED_SDP_LENGTH + 1, 'a');
  for (const [sdp, reads] of [[short, 0], [long, 1]] as const) {
    const where = room();
    const waiting = a.exchange.read('offer', bob, { signalId: alice, room: where, waitSeconds: 5 }, never());
    await new Promise((resolve) => setTimeout(resolve, 20));
    counting.reads = 0;
    await b.exchange.submit('offer', alice, { to: bob, sdp, room: where });
    expect((await waiting)?.sdp).toBe(sdp);
    expect(counting.reads).toBe(reads);
  }
});

test('a POST answered on the waiter\'s own replica wakes it without a bus message', async () => {
  const { network, replicas } = twoReplicas(memoryStore());
  const [a] = replicas as [ExchangeReplica];
  const where = room();
  const waiting = a.exchange.read('offer', bob, { signalId: alice, room: where, waitSeconds: 5 }, never());
  await new Promise((resolve) => setTimeout(resolve, 20));
  await a.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 local', room: where });
  expect((await waiting)?.sdp).toBe('v=0 local');
  expect(network.sent).toBe(0);
});

test('a remote waiter gets exactly one message; a replica waiting on nothing gets none', async () => {
  const network = new LoopbackNetwork();
  const replicas = exchangeReplicas(memoryStore(), ['inbox-a', 'inbox-b', 'inbox-c'].map((name) => network.bus(name)));
  const [a, b] = replicas as [ExchangeReplica, ExchangeReplica];
  const where = room();
  const waiting = a.exchange.read('answer', alice, { signalId: bob, room: where, waitSeconds: 5 }, never());
  await new Promise((resolve) => setTimeout(resolve, 20));
  await b.exchange.submit('answer', bob, { to: alice, sdp: 'v=0 remote', room: where });
  expect((await waiting)?.sdp).toBe('v=0 remote');
  expect({ sent: network.sent, received: network.received }).toEqual({ sent: 1, received: 1 });
});

test('POST /expire clears the SDPs but keeps live waiters: the next POST still wakes them', async () => {
  const { replicas } = twoReplicas(memoryStore());
  const [a, b] = replicas as [ExchangeReplica, ExchangeReplica];
  const where = room();
  await b.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 old', room: where });
  await b.exchange.expire(alice, { source: alice, destination: bob, type: 'offer', room: where });
  const waiting = a.exchange.read('offer', bob, { signalId: alice, room: where, waitSeconds: 5 }, never());
  await new Promise((resolve) => setTimeout(resolve, 20));
  await b.exchange.expire(alice, { source: alice, destination: bob, type: 'offer', room: where });
  const started = performance.now();
  await b.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 new', room: where });
  expect((await waiting)?.sdp).toBe('v=0 new');
  expect(performance.now() - started).toBeLessThan(500);
});

test('an address left by a vanished replica is dropped as such; live waiters on the slot are still woken', async () => {
  const network = new LoopbackNetwork();
  const sdps = memoryStore();
  const [a, b] = exchangeReplicas(sdps, [network.bus('inbox-a'), network.bus('inbox-b')]) as [ExchangeReplica, ExchangeReplica];
  const where = room();
  const key: SdpKey = { room: where.uuid, type: 'offer', from: alice, to: bob };
  await sdps.watch(key, { address: 'inbox-killed', until: Date.now() + 60_000 });
  const waiting = a.exchange.read('offer', bob, { signalId: alice, room: where, waitSeconds: 5 }, never());
  await new Promise((resolve) => setTimeout(resolve, 20));
  await b.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 after crash', room: where });
  expect((await waiting)?.sdp).toBe('v=0 after crash');
  await new Promise((resolve) => setImmediate(resolve));
  expect(await published(b, 'dropped')).toBe(1);
  expect(await published(b, 'error')).toBe(0);
});

/** Hands every call to the store it wraps; the stores below change one call each. */
class PassThroughStore implements SdpStore {
  readonly inner: SdpStore;
  constructor(inner: SdpStore) {
    this.inner = inner;
  }
  put(...args: Parameters<SdpStore['put']>) {
    return this.inner.put(...args);
  }
  get(key: SdpKey, token?: string): Promise<SdpRecord | undefined> {
    return this.inner.get(key, token);
  }
  watch(key: SdpKey, waiter: SlotWaiter): Promise<SdpRecord | undefined> {
    return this.inner.watch(key, waiter);
  }
  markAnswered(...args: Parameters<SdpStore['markAnswered']>) {
    return this.inner.markAnswered(...args);
  }
  clear(...args: Parameters<SdpStore['clear']>) {
    return this.inner.clear(...args);
  }
  ping() {
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}

/** A store whose address writes fail (a 400 on an item of the old shape, say); reads work. */
class UnwatchableStore extends PassThroughStore {
  override async watch(): Promise<SdpRecord | undefined> {
    throw new Error('the address write failed');
  }
}

/** Counts store reads, to tell a wake-up answered from its message from one that read. */
class ReadCountingSdpStore extends PassThroughStore {
  reads = 0;
  override get(key: SdpKey, token?: string): Promise<SdpRecord | undefined> {
    this.reads += 1;
    return super.get(key, token);
  }
}

test('a waiter whose address write fails falls back to re-checking the store', async () => {
  const { network, replicas } = twoReplicas(new UnwatchableStore(memoryStore()));
  const [a, b] = replicas as [ExchangeReplica, ExchangeReplica];
  const where = room();
  const waiting = a.exchange.read('offer', bob, { signalId: alice, room: where, waitSeconds: 10 }, never());
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  await b.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 re-checked', room: where });
  expect((await waiting)?.sdp).toBe('v=0 re-checked');
  // Found by the 1 s re-check, not by a message: nobody knew where the waiter was.
  expect(performance.now() - started).toBeLessThan(1_800);
  expect(network.sent).toBe(0);
});


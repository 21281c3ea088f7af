/**
 * POST /expire on one replica reaches a long-poll parked on another through Service Bus: two
 * replicas, each with its own subscription on the AMQP test broker (the real @azure/service-bus
 * client), sharing one store. The waiter hears of the expiry at once and answers 204.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { ServiceBusBroadcasts } from '@signal/common/adapters/servicebus/service-bus-broadcasts';
import { peerId, roomId } from '@signal/common/api/ids';
import { systemClock } from '@signal/common/clock';
import { MemorySdpStore } from '../src/store/memory-sdp-store.ts';
import { exchangeReplicas, type ExchangeReplica } from '../../../test-support/replicas/exchange-replicas.ts';
import { LoopbackNetwork } from '../../../test-support/replicas/loopback-network.ts';
import { startBroker, type Broker } from '../../../test-support/servicebus-broker/index.ts';

const TOPIC = 'signal-events';
let broker: Broker;
let broadcasts: ServiceBusBroadcasts[];
let sdps: MemorySdpStore;
let a: ExchangeReplica;
let b: ExchangeReplica;

beforeAll(async () => {
  broker = await startBroker({ entities: { [TOPIC]: [] } });
  broadcasts = await Promise.all(
    ['signaling-0', 'signaling-1'].map((replicaName) =>
      ServiceBusBroadcasts.start({ connectionString: broker.connectionString, topic: TOPIC, replicaName, logger: pino({ level: 'silent' }) }),
    ),
  );
  sdps = new MemorySdpStore(systemClock);
  const network = new LoopbackNetwork();
  [a, b] = exchangeReplicas(sdps, [network.wakeups('replica-a'), network.wakeups('replica-b')], {}, systemClock, (index) => broadcasts[index]!) as [ExchangeReplica, ExchangeReplica];
});

afterAll(async () => {
  for (const replica of [a, b]) replica.exchange.close();
  await Promise.all(broadcasts.map((replica) => replica.close()));
  await sdps.close();
  await broker.stop();
});

const [alice, bob] = [peerId('alice'), peerId('bob')];
const never = () => new AbortController().signal;

const pending = Symbol('pending');
const stillWaiting = (read: Promise<unknown>, ms: number) => Promise.race([read, new Promise((resolve) => setTimeout(() => resolve(pending), ms))]);

test('an expiry on one replica makes the waiters of both slots on the other read again, and an empty slot keeps them waiting for the next SDP', async () => {
  const room = { uuid: roomId(randomUUID()), shortname: 'expiry' };
  await b.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 stale', room });
  await b.exchange.expire(alice, { source: alice, destination: bob, type: 'offer', room });
  // One waiter per direction, both on replica A, long after the first expiry went by.
  const waiting = [
    a.exchange.read('offer', bob, { signalId: alice, room, waitSeconds: 20 }, never()),
    a.exchange.read('offer', alice, { signalId: bob, room, waitSeconds: 20 }, never()),
  ];
  await new Promise((resolve) => setTimeout(resolve, 100));
  // A peer clears old SDPs before it offers, while the other already waits: that wait goes on.
  await b.exchange.expire(bob, { source: bob, destination: alice, type: 'offer', room });
  expect(await Promise.all(waiting.map((read) => stillWaiting(read, 1_000)))).toEqual([pending, pending]);
  await b.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 new from alice', room });
  await b.exchange.submit('offer', bob, { to: alice, sdp: 'v=0 new from bob', room });
  expect((await Promise.all(waiting)).map((record) => record?.sdp)).toEqual(['v=0 new from alice', 'v=0 new from bob']);
});

test('a waiter whose slot got a new SDP after the expiry answers with it, not with nothing', async () => {
  const room = { uuid: roomId(randomUUID()), shortname: 'expiry' };
  const waiting = a.exchange.read('answer', alice, { signalId: bob, room, waitSeconds: 20 }, never());
  await new Promise((resolve) => setTimeout(resolve, 100));
  // The expiry's broadcast is still on its way to A when the new answer is written on B.
  await b.exchange.expire(bob, { source: bob, destination: alice, type: 'answer', room });
  await b.exchange.submit('answer', bob, { to: alice, sdp: 'v=0 fresh', room });
  expect((await waiting)?.sdp).toBe('v=0 fresh');
});

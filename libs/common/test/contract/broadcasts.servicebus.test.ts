import { randomUUID } from 'node:crypto';
import { ServiceBusClient } from '@azure/service-bus';
import fc from 'fast-check';
import { startBroker, type Broker, type BrokerOptions } from '../../../../test-support/servicebus-broker/index.ts';
import { createAdministrationClient } from '../../src/adapters/servicebus/administration-client.ts';
import {
  ServiceBusBroadcasts,
  type BusLogger,
  type ServiceBusBroadcastsOptions,
} from '../../src/adapters/servicebus/service-bus-broadcasts.ts';
import { subscriptionNameFor } from '../../src/adapters/servicebus/subscription-provisioner.ts';
import { ManualClock } from '../../src/clock.ts';
import { DependencyUnavailableError } from '../../src/errors.ts';
import type { Broadcasts, BusStatus } from '../../src/ports/broadcasts.ts';
import { Inbox, newEvent, runBroadcastsContract } from './broadcasts.contract.ts';

const TOPIC = 'signal-events';

/** Keeps what the adapter logged, so tests can check that problems are reported. */
class RecordingLogger implements BusLogger {
  readonly entries: Array<{ level: string; fields: object; message: string }> = [];
  info(fields: object, message: string) {
    this.entries.push({ level: 'info', fields, message });
  }
  warn(fields: object, message: string) {
    this.entries.push({ level: 'warn', fields, message });
  }
  error(fields: object, message: string) {
    this.entries.push({ level: 'error', fields, message });
  }
}

const busOptions = (connectionString: string, overrides: Partial<ServiceBusBroadcastsOptions> = {}): ServiceBusBroadcastsOptions => ({
  connectionString,
  topic: TOPIC,
  replicaName: `signaling-${randomUUID().slice(0, 8)}`,
  logger: new RecordingLogger(),
  probeIntervalMs: 100,
  ...overrides,
});

runBroadcastsContract('Service Bus adapter on the test broker', async () => {
  const broker = await startBroker({ entities: { [TOPIC]: [] } });
  return {
    open: (replicaName) => ServiceBusBroadcasts.start(busOptions(broker.connectionString, { replicaName })),
    dispose: () => broker.stop(),
  };
});

const realNamespace = process.env.SERVICEBUS_TEST_CONNECTION_STRING;
if (realNamespace) {
  runBroadcastsContract('Service Bus adapter on a real namespace', async () => ({
    open: (replicaName) =>
      ServiceBusBroadcasts.start(busOptions(realNamespace, { replicaName, topic: process.env.SERVICEBUS_TEST_TOPIC ?? TOPIC, probeIntervalMs: 1_000 })),
    dispose: async () => {},
  }));
}

describe('subscriptionNameFor', () => {
  test('turns any pod name into a valid, unique Service Bus subscription name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (replica) => {
        const name = subscriptionNameFor(replica);
        expect(name.length).toBeLessThanOrEqual(50);
        expect(name).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/);
        expect(subscriptionNameFor(replica)).not.toBe(name);
      }),
    );
  });

  test('keeps a readable pod name as the prefix', () => {
    expect(subscriptionNameFor('signaling-5d8c7b9f4-x2k8q')).toMatch(/^signaling-5d8c7b9f4-x2k8q-[0-9a-f]{8}$/);
  });
});

describe('Service Bus adapter specifics (test broker)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function brokerWith(options: BrokerOptions = { entities: { [TOPIC]: [] } }): Promise<Broker> {
    const broker = await startBroker(options);
    cleanups.push(() => broker.stop());
    return broker;
  }

  async function busOn(broker: Broker, overrides: Partial<ServiceBusBroadcastsOptions> = {}): Promise<ServiceBusBroadcasts> {
    const bus = await ServiceBusBroadcasts.start(busOptions(broker.connectionString, overrides));
    cleanups.push(() => bus.close());
    return bus;
  }

  /**
   * Waits for one event to go round. Fault tests start from an established receiver: the SDK
   * leaves a receiver whose claim negotiation was cut by a disconnect waiting 60 s before it retries.
   */
  async function flowing(publisher: Broadcasts, inbox: Inbox): Promise<void> {
    const event = newEvent('session.revoked', { sessionId: 'warm-up' });
    await publisher.publish(event);
    await inbox.waitFor(event.id);
  }

  function nextStatus(bus: Broadcasts, wanted: BusStatus, timeoutMs: number): Promise<number> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`status not ${wanted} within ${timeoutMs} ms`)), timeoutMs);
      const stop = bus.onStatusChange((status) => {
        if (status !== wanted) return;
        stop();
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
    });
  }

  test('creates its own auto-deleting subscription named after the replica, and deletes it on close', async () => {
    const broker = await brokerWith();
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    const bus = await busOn(broker, { replicaName: 'signaling-7d9f/pod_0', autoDeleteOnIdleSeconds: 120 });
    expect(bus.subscriptionName).toMatch(/^signaling-7d9f-pod_0-[0-9a-f]{8}$/);
    const subscription = await admin.getSubscription(TOPIC, bus.subscriptionName);
    expect(subscription.autoDeleteOnIdle).toBe('PT120S');
    await bus.close();
    expect(await admin.subscriptionExists(TOPIC, bus.subscriptionName)).toBe(false);
  });

  test('the subscription lets the broadcast kinds through and nothing else another producer sends to the topic', async () => {
    const broker = await brokerWith();
    const bus = await busOn(broker);
    const inbox = new Inbox();
    bus.subscribe(inbox.handler);
    const client = new ServiceBusClient(broker.connectionString);
    cleanups.push(() => client.close());
    await client.createSender(TOPIC).sendMessages({ body: newEvent('session.revoked', { sessionId: 'foreign' }), subject: 'sdp.posted' });
    const expired = newEvent('sdp.expired', { room: 'r', type: 'offer', source: 'a', destination: 'b' });
    const revoked = newEvent('session.revoked', { sessionId: 's' });
    await bus.publish(expired);
    await bus.publish(revoked);
    await inbox.waitFor(revoked.id);
    await inbox.waitFor(expired.id);
    expect(inbox.ids().sort()).toEqual([expired.id, revoked.id].sort());
  });

  test('uses SERVICEBUS_SUBSCRIPTION as given when management rights are absent', async () => {
    const broker = await brokerWith({ entities: { [TOPIC]: ['provisioned-1'] }, denyAdministration: true });
    const bus = await busOn(broker, { subscription: 'provisioned-1' });
    expect(bus.subscriptionName).toBe('provisioned-1');
    const inbox = new Inbox();
    bus.subscribe(inbox.handler);
    const event = newEvent('session.revoked', { sessionId: 's-1' });
    await bus.publish(event);
    await inbox.waitFor(event.id);
  });

  test.each([
    ['the topic is missing', { entities: {} }, {}, /topic 'signal-events' does not exist.*SERVICEBUS_TOPIC/],
    ['management rights are absent', { entities: { [TOPIC]: [] }, denyAdministration: true }, {}, /Manage rights.*SERVICEBUS_SUBSCRIPTION/],
    ['the given subscription is missing', { entities: { [TOPIC]: [] } }, { subscription: 'nope' }, /subscription 'nope'.*does not exist/],
  ])('start fails with a message naming the setting when %s', async (_case, brokerOptions, overrides, message) => {
    const broker = await brokerWith(brokerOptions);
    await expect(ServiceBusBroadcasts.start(busOptions(broker.connectionString, overrides))).rejects.toThrow(message);
  });

  test('start without credentials names both variables', async () => {
    await expect(ServiceBusBroadcasts.start({ replicaName: 'r', logger: new RecordingLogger() })).rejects.toThrow(
      /SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE/,
    );
  });

  test('publishes the envelope as JSON with message id, kind, version and traceparent properties', async () => {
    const broker = await brokerWith({ entities: { [TOPIC]: ['tap'] } });
    const bus = await busOn(broker);
    const event = newEvent('sdp.expired', { room: 'r', type: 'offer', source: 'a', destination: 'b' }, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    await bus.publish(event);
    const client = new ServiceBusClient(broker.connectionString);
    cleanups.push(() => client.close());
    const [message] = await client.createReceiver(TOPIC, 'tap', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?.messageId).toBe(event.id);
    expect(message?.body).toStrictEqual(event);
    expect(message?.applicationProperties).toStrictEqual({ kind: 'sdp.expired', version: 1, traceparent: event.traceparent });
  });

  test('drops malformed messages with a log line and keeps delivering, reporting lag by kind', async () => {
    const broker = await brokerWith();
    const logger = new RecordingLogger();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const received: string[] = [];
    const lags: Array<[string, number]> = [];
    const bus = await busOn(broker, {
      logger,
      clock,
      onReceived: (kind, outcome) => received.push(`${kind}:${outcome}`),
      onLag: (kind, seconds) => lags.push([kind, seconds]),
    });
    const inbox = new Inbox();
    bus.subscribe(inbox.handler);
    const client = new ServiceBusClient(broker.connectionString);
    cleanups.push(() => client.close());
    await client.createSender(TOPIC).sendMessages([
      { body: 'not an envelope', messageId: 'junk-1', subject: 'session.revoked' },
      { body: { version: 2, id: 'x' }, subject: 'session.revoked' },
    ]);
    const event = newEvent('session.revoked', { sessionId: 's' }, { publishedAt: clock.now() - 1_500 });
    await bus.publish(event);
    await inbox.waitFor(event.id);
    expect(inbox.ids()).toEqual([event.id]);
    expect(received).toEqual(['unknown:malformed', 'unknown:malformed', 'session.revoked:ok']);
    expect(lags).toEqual([['session.revoked', 1.5]]);
    expect(logger.entries.filter((entry) => entry.message === 'malformed event dropped').map((entry) => entry.fields)).toEqual([
      { messageId: 'junk-1', reason: 'body is not a JSON object' },
      expect.objectContaining({ reason: 'unsupported version 2' }),
    ]);
  });

  test('goes down when the broker stops, rejects publishes within the bound, and recovers by itself', async () => {
    const broker = await brokerWith();
    const publisher = await busOn(broker, { publishTimeoutMs: 2_000 });
    const receiver = await busOn(broker);
    const inbox = new Inbox();
    receiver.subscribe(inbox.handler);
    await flowing(publisher, inbox);

    const down = nextStatus(publisher, 'down', 5_000);
    await broker.stop();
    await down;
    const started = Date.now();
    await expect(publisher.publish(newEvent('session.revoked', { sessionId: 'lost' }))).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_500);

    const up = nextStatus(publisher, 'up', 10_000);
    await broker.restart();
    await up;
    const event = newEvent('session.revoked', { sessionId: 'after' });
    await publisher.publish(event);
    await inbox.waitFor(event.id);
  });

  test('replaces a receiver that an outage cut off while it was still attaching', async () => {
    const broker = await brokerWith();
    const bus = await busOn(broker);
    const inbox = new Inbox();
    bus.subscribe(inbox.handler);
    // start() resolves once the subscription exists; the streaming link is typically still
    // negotiating its claim now, which the SDK alone would only retry after 60 s.
    const down = nextStatus(bus, 'down', 5_000);
    await broker.stop();
    await down;
    const up = nextStatus(bus, 'up', 10_000);
    await broker.restart();
    await up;
    const event = newEvent('session.revoked', { sessionId: 'after' });
    await bus.publish(event);
    await inbox.waitFor(event.id, 10_000);
  });

  test('a publish that finds the broker gone rejects within the bound and turns the status down', async () => {
    const broker = await brokerWith();
    const bus = await busOn(broker, { publishTimeoutMs: 1_000, probeIntervalMs: 60_000 });
    await broker.stop();
    const started = Date.now();
    await expect(bus.publish(newEvent('session.revoked', { sessionId: 'x' }))).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(bus.status()).toBe('down');
  });

  test('re-creates its subscription when an outage outlasted auto-delete-on-idle (injected clock)', async () => {
    const clock = new ManualClock(Date.now());
    const broker = await brokerWith({ entities: { [TOPIC]: [] }, clock });
    const logger = new RecordingLogger();
    const bus = await busOn(broker, { autoDeleteOnIdleSeconds: 300, logger });
    const inbox = new Inbox();
    bus.subscribe(inbox.handler);
    await flowing(bus, inbox);

    await broker.stop();
    clock.advance(301_000);
    await broker.restart();

    // Events published before the subscription is back are lost by design; publish until one lands.
    const deadline = Date.now() + 10_000;
    let delivered = false;
    while (!delivered && Date.now() < deadline) {
      const event = newEvent('session.revoked', { sessionId: randomUUID() });
      await bus.publish(event).catch(() => {});
      delivered = await inbox.waitFor(event.id, 500).then(() => true, () => false);
    }
    expect(delivered).toBe(true);
    expect(logger.entries.map((entry) => entry.message)).toContain('subscription vanished (auto-deleted while unreachable?); re-creating it');
  });
});

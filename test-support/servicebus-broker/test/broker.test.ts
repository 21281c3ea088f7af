import {
  ServiceBusClient,
  isServiceBusError,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
} from '@azure/service-bus';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createAdministrationClient } from '../../../libs/common/src/adapters/servicebus/administration-client.ts';
import { ManualClock } from '../../../libs/common/src/clock.ts';
import { startBroker, type Broker, type BrokerOptions } from '../index.ts';

/** The broker is checked through the real SDK's public API only. */
const fastRetries = { retryDelayInMs: 100, maxRetryDelayInMs: 500, timeoutInMs: 5000 };
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: BrokerOptions = { entities: { orders: ['a', 'b'] } }) {
  const broker = await startBroker(options);
  const client = new ServiceBusClient(broker.connectionString, { retryOptions: fastRetries });
  cleanups.push(() => broker.stop(), () => client.close());
  return { broker, client };
}

async function receiveOne(receiver: ServiceBusReceiver): Promise<ServiceBusReceivedMessage> {
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
  if (!message) throw new Error('no message within 3 s');
  return message;
}

/** Resolves with the next `count` message bodies a streaming subscription delivers. */
function collect(receiver: ServiceBusReceiver, count: number): Promise<unknown[]> {
  const bodies: unknown[] = [];
  return new Promise((resolve) => {
    receiver.subscribe({
      processMessage: async (message) => {
        bodies.push(message.body);
        if (bodies.length === count) resolve(bodies);
      },
      processError: async () => {},
    });
  });
}

describe('Service Bus test broker, driven by @azure/service-bus', () => {
  it('fans a topic message out to every subscription with broker annotations', async () => {
    const { client } = await setup();
    await client.createSender('orders').sendMessages({
      body: { hello: 'world' },
      messageId: 'm-1',
      applicationProperties: { kind: 'greeting', version: 1 },
    });
    for (const name of ['a', 'b']) {
      const message = await receiveOne(client.createReceiver('orders', name, { receiveMode: 'receiveAndDelete' }));
      expect(message.body).toEqual({ hello: 'world' });
      expect(message.messageId).toBe('m-1');
      expect(message.applicationProperties).toEqual({ kind: 'greeting', version: 1 });
      expect(message.sequenceNumber?.toNumber()).toBe(1);
      expect(message.enqueuedTimeUtc).toBeInstanceOf(Date);
    }
  });

  it('assigns a message id when the sender gives none, and keeps batch order', async () => {
    const { client } = await setup();
    await client.createSender('orders').sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
    const receiver = client.createReceiver('orders', 'a', { receiveMode: 'receiveAndDelete' });
    const messages = await receiver.receiveMessages(3, { maxWaitTimeInMs: 3000 });
    expect(messages.map((m) => m.body)).toEqual([1, 2, 3]);
    expect(messages.every((m) => typeof m.messageId === 'string' && m.messageId.length > 0)).toBe(true);
  });

  it('removes a completed message and redelivers an abandoned one with a higher delivery count', async () => {
    const { client } = await setup();
    const sender = client.createSender('orders');
    const receiver = client.createReceiver('orders', 'a');
    await sender.sendMessages({ body: 'retry-me' });
    const first = await receiveOne(receiver);
    expect(first.deliveryCount).toBe(0);
    expect(first.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now());
    await receiver.abandonMessage(first);
    const second = await receiveOne(receiver);
    expect(second.body).toBe('retry-me');
    expect(second.deliveryCount).toBe(1);
    await receiver.completeMessage(second);
    expect(await receiver.peekMessages(10)).toEqual([]);
  });

  it('renews locks, defers, receives deferred by sequence number and dead-letters', async () => {
    const { client } = await setup();
    await client.createSender('orders').sendMessages({ body: 'later' });
    const receiver = client.createReceiver('orders', 'a');
    const message = await receiveOne(receiver);
    const renewed = await receiver.renewMessageLock(message);
    expect(renewed.getTime()).toBeGreaterThanOrEqual(message.lockedUntilUtc!.getTime());
    await receiver.deferMessage(message);
    const [deferred] = await receiver.receiveDeferredMessages(message.sequenceNumber!);
    expect(deferred?.body).toBe('later');
    await receiver.deadLetterMessage(deferred!, { deadLetterReason: 'poison', deadLetterErrorDescription: 'bad body' });
    const deadLetters = client.createReceiver('orders', 'a', { subQueueType: 'deadLetter' });
    const dead = await receiveOne(deadLetters);
    expect(dead.body).toBe('later');
    expect(dead.deadLetterReason).toBe('poison');
    expect(dead.deadLetterErrorDescription).toBe('bad body');
    await deadLetters.completeMessage(dead);
  });

  it('returns a message whose lock expired (injected clock) and refuses the stale settlement', async () => {
    const clock = new ManualClock(Date.now());
    const { client } = await setup({ entities: { orders: ['a'] }, clock });
    await client.createSender('orders').sendMessages({ body: 'slow' });
    const receiver = client.createReceiver('orders', 'a');
    const stale = await receiveOne(receiver);
    clock.advance(61_000);
    const again = await receiveOne(receiver);
    expect(again.deliveryCount).toBe(1);
    const error = await receiver.completeMessage(stale).catch((e: unknown) => e);
    expect(isServiceBusError(error) && error.code).toBe('MessageLockLost');
  });

  it('streams messages to subscribe() handlers', async () => {
    const { client } = await setup();
    const received = collect(client.createReceiver('orders', 'b', { receiveMode: 'receiveAndDelete' }), 5);
    const sender = client.createSender('orders');
    for (let i = 0; i < 5; i++) await sender.sendMessages({ body: i });
    expect(await received).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects senders to a topic that does not exist', async () => {
    const { client } = await setup();
    const error = await client.createSender('missing').sendMessages({ body: 1 }).catch((e: unknown) => e);
    expect(isServiceBusError(error) && error.code).toBe('MessagingEntityNotFound');
  });

  it('serves the administration API for topics and subscriptions', async () => {
    const { broker, client } = await setup({ entities: {} });
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    expect(await admin.topicExists('events')).toBe(false);
    expect((await admin.createTopic('events')).name).toBe('events');
    const created = await admin.createSubscription('events', 'replica-1', { autoDeleteOnIdle: 'PT5M' });
    expect(created).toMatchObject({ topicName: 'events', subscriptionName: 'replica-1', autoDeleteOnIdle: 'PT300S' });
    expect((await admin.getSubscription('events', 'replica-1')).subscriptionName).toBe('replica-1');
    await expect(admin.createSubscription('events', 'replica-1')).rejects.toMatchObject({ code: 'MessageEntityAlreadyExistsError' });
    await expect(admin.createSubscription('nope', 'x')).rejects.toMatchObject({ code: 'MessageEntityNotFoundError' });

    await client.createSender('events').sendMessages({ body: 'to new subscription' });
    const receiver = client.createReceiver('events', 'replica-1', { receiveMode: 'receiveAndDelete' });
    expect((await receiveOne(receiver)).body).toBe('to new subscription');
    await receiver.close();

    await admin.deleteSubscription('events', 'replica-1');
    expect(await admin.subscriptionExists('events', 'replica-1')).toBe(false);
  });

  it('answers 401 to administration calls when management rights are absent', async () => {
    const { broker } = await setup({ entities: { orders: [] }, denyAdministration: true });
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    await expect(admin.createSubscription('orders', 'x')).rejects.toMatchObject({ code: 'UnauthorizedRequestError' });
  });

  it('deletes a subscription left idle past auto-delete-on-idle (injected clock)', async () => {
    const clock = new ManualClock(Date.now());
    const { broker } = await setup({ entities: { orders: [] }, clock });
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    await admin.createSubscription('orders', 'idle', { autoDeleteOnIdle: 'PT5M' });
    clock.advance(299_000);
    expect(await admin.subscriptionExists('orders', 'idle')).toBe(true);
    clock.advance(1_000);
    expect(await admin.subscriptionExists('orders', 'idle')).toBe(false);
  });

  it('keeps its state across stop/restart while clients reconnect by themselves', async () => {
    const { broker, client } = await setup();
    const sender = client.createSender('orders');
    const received = collect(client.createReceiver('orders', 'a', { receiveMode: 'receiveAndDelete' }), 2);
    await sender.sendMessages({ body: 'before' });
    await broker.stop();
    await expect(sender.sendMessages({ body: 'lost' }, { abortSignal: AbortSignal.timeout(500) })).rejects.toBeDefined();
    await broker.restart();
    await sender.sendMessages({ body: 'after' });
    expect(await received).toEqual(['before', 'after']);
  });

  it('serves queues: create with auto-delete-on-idle and message TTL, send, receive, delete', async () => {
    const { broker, client } = await setup({ entities: {} });
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    const created = await admin.createQueue('inbox-1', { autoDeleteOnIdle: 'PT5M', defaultMessageTimeToLive: 'PT30S' });
    expect(created).toMatchObject({ name: 'inbox-1', autoDeleteOnIdle: 'PT300S', defaultMessageTimeToLive: 'PT30S' });
    expect((await admin.getQueue('inbox-1')).name).toBe('inbox-1');
    await expect(admin.createQueue('inbox-1')).rejects.toMatchObject({ code: 'MessageEntityAlreadyExistsError' });
    await client.createSender('inbox-1').sendMessages({ body: 'direct', to: 'inbox-1' });
    const message = await receiveOne(client.createReceiver('inbox-1', { receiveMode: 'receiveAndDelete' }));
    expect(message.body).toBe('direct');
    await admin.deleteQueue('inbox-1');
    expect(await admin.queueExists('inbox-1')).toBe(false);
  });

  it('drops queue messages older than the time to live, and deletes an idle queue (injected clock)', async () => {
    const clock = new ManualClock(Date.now());
    const { broker, client } = await setup({ entities: {}, clock });
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    await admin.createQueue('inbox-2', { autoDeleteOnIdle: 'PT5M', defaultMessageTimeToLive: 'PT30S' });
    const sender = client.createSender('inbox-2');
    await sender.sendMessages({ body: 'stale' });
    clock.advance(30_000);
    await sender.sendMessages({ body: 'fresh' });
    const receiver = client.createReceiver('inbox-2', { receiveMode: 'receiveAndDelete' });
    expect((await receiveOne(receiver)).body).toBe('fresh');
    await receiver.close();
    expect(broker.counters().expired).toBe(1);
    clock.advance(300_000);
    expect(await admin.queueExists('inbox-2')).toBe(false);
    const error = await sender.sendMessages({ body: 'to nobody' }).catch((e: unknown) => e);
    expect(isServiceBusError(error) && error.code).toBe('MessagingEntityNotFound');
  });

  it('rejects senders and receivers of a queue that does not exist with entity-not-found', async () => {
    const { client } = await setup({ entities: {} });
    const error = await client.createSender('vanished').sendMessages({ body: 1 }).catch((e: unknown) => e);
    expect(isServiceBusError(error) && error.code).toBe('MessagingEntityNotFound');
    const receiveError = await client.createReceiver('vanished').receiveMessages(1, { maxWaitTimeInMs: 1000 }).catch((e: unknown) => e);
    expect(isServiceBusError(receiveError) && receiveError.code).toBe('MessagingEntityNotFound');
  });

  it('applies a subscription\'s correlation filter on the subject, evaluating it once per subscription', async () => {
    const { broker, client } = await setup({ entities: { events: [] } });
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    await admin.createSubscription('events', 'revocations', { defaultRuleOptions: { name: 'revocations', filter: { subject: 'session.revoked' } } });
    await admin.createSubscription('events', 'everything');
    const before = broker.counters();
    await client.createSender('events').sendMessages([{ body: 'other', subject: 'sdp.posted' }, { body: 'revoked', subject: 'session.revoked' }]);
    const filtered = await client.createReceiver('events', 'revocations', { receiveMode: 'receiveAndDelete' }).receiveMessages(2, { maxWaitTimeInMs: 1000 });
    expect(filtered.map((m) => m.body)).toEqual(['revoked']);
    const all = await client.createReceiver('events', 'everything', { receiveMode: 'receiveAndDelete' }).receiveMessages(2, { maxWaitTimeInMs: 2000 });
    expect(all.map((m) => m.body)).toEqual(['other', 'revoked']);
    const after = broker.counters();
    expect({ sent: after.sent - before.sent, received: after.received - before.received, filterEvaluations: after.filterEvaluations - before.filterEvaluations }).toEqual({
      sent: 2,
      received: 3,
      filterEvaluations: 4,
    });
  });

  it('applies a subscription\'s SQL filter on a list of subjects', async () => {
    const { broker, client } = await setup({ entities: { events: [] } });
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    await admin.createSubscription('events', 'two-kinds', { defaultRuleOptions: { name: 'two-kinds', filter: { sqlExpression: "sys.Label IN ('session.revoked', 'sdp.expired')" } } });
    await client.createSender('events').sendMessages([
      { body: 'other', subject: 'sdp.posted' },
      { body: 'revoked', subject: 'session.revoked' },
      { body: 'expired', subject: 'sdp.expired' },
    ]);
    const filtered = await client.createReceiver('events', 'two-kinds', { receiveMode: 'receiveAndDelete' }).receiveMessages(3, { maxWaitTimeInMs: 1000 });
    expect(filtered.map((m) => m.body)).toEqual(['revoked', 'expired']);
  });

  it('counts administration calls as management operations', async () => {
    const { broker } = await setup({ entities: { events: [] } });
    const admin = createAdministrationClient({ connectionString: broker.connectionString });
    const before = broker.counters().managementOperations;
    await admin.createQueue('q');
    await admin.deleteQueue('q');
    expect(broker.counters().managementOperations - before).toBe(2);
  });
});

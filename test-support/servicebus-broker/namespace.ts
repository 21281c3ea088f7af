import { randomUUID } from 'node:crypto';
import type { Message } from 'rhea';
import type { Clock } from '../../libs/common/src/clock.ts';
import { MessageQueue, type QueueSettings } from './message-queue.ts';

export interface SubscriptionSettings extends QueueSettings {
  /** Infinity when the entity never expires. */
  autoDeleteOnIdleMs: number;
  /** Messages older than this are dropped unread; Infinity when they never expire. */
  defaultMessageTtlMs: number;
  /** The subscription's one rule; queues take every message. */
  filter: MessageFilter;
}

/** A subscription rule: SQL `1=1` (everything), SQL `sys.Label IN (...)`, or a correlation filter on system properties. */
export type MessageFilter =
  | { kind: 'true' }
  | { kind: 'subjects'; subjects: string[] }
  | { kind: 'correlation'; properties: Partial<Record<CorrelationProperty, string>> };
export const CORRELATION_PROPERTIES = ['subject', 'to', 'correlation_id', 'message_id', 'content_type', 'reply_to', 'group_id'] as const;
export type CorrelationProperty = (typeof CORRELATION_PROPERTIES)[number];

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  lockDurationMs: 60_000,
  maxDeliveryCount: 10,
  autoDeleteOnIdleMs: Infinity,
  defaultMessageTtlMs: Infinity,
  filter: { kind: 'true' },
};

function matches(filter: MessageFilter, message: Message): boolean {
  if (filter.kind === 'true') return true;
  if (filter.kind === 'subjects') return filter.subjects.includes(String(message.subject ?? ''));
  return Object.entries(filter.properties).every(([name, value]) => String(message[name as CorrelationProperty] ?? '') === value);
}

/** Something receivers attach to: a queue, or a topic's subscription. */
export class Receivable {
  readonly name: string;
  readonly createdAt: number;
  readonly queue: MessageQueue;
  readonly deadLetters: MessageQueue;
  readonly autoDeleteOnIdleMs: number;
  readonly defaultMessageTtlMs: number;

  constructor(clock: Clock, path: string, name: string, settings: SubscriptionSettings, counters: BrokerCounters) {
    this.name = name;
    this.createdAt = clock.now();
    this.autoDeleteOnIdleMs = settings.autoDeleteOnIdleMs;
    this.defaultMessageTtlMs = settings.defaultMessageTtlMs;
    this.deadLetters = new MessageQueue(clock, settings, path, counters);
    this.queue = new MessageQueue(clock, settings, path, counters, this.deadLetters);
  }

  isIdleSince(now: number): boolean {
    const busy = this.queue.consumerCount + this.deadLetters.consumerCount > 0;
    const lastActivity = Math.max(this.queue.lastActivity, this.deadLetters.lastActivity);
    return !busy && now - lastActivity >= this.autoDeleteOnIdleMs;
  }
}

export class Subscription extends Receivable {
  readonly topic: string;
  readonly filter: MessageFilter;

  constructor(clock: Clock, topic: string, name: string, settings: SubscriptionSettings, counters: BrokerCounters) {
    super(clock, subscriptionPath(topic, name), name, settings, counters);
    this.topic = topic;
    this.filter = settings.filter;
  }
}

/** What the broker did, for benches that count Service Bus operations (and credits) per request. */
export interface BrokerCounters {
  /** Messages accepted from senders (each message of a batch counts). */
  sent: number;
  /** Messages handed to receivers. */
  received: number;
  /** Subscription rules evaluated, one per subscription per message published to a topic. */
  filterEvaluations: number;
  /** Administration API calls (create, get, delete of entities). */
  managementOperations: number;
  /** Messages dropped unread because their time to live ran out. */
  expired: number;
}

export class Topic {
  readonly name: string;
  readonly createdAt: number;
  readonly subscriptions = new Map<string, Subscription>();
  nextSequenceNumber = 1;

  constructor(clock: Clock, name: string) {
    this.name = name;
    this.createdAt = clock.now();
  }
}

export const subscriptionPath = (topic: string, subscription: string) => `${topic}/Subscriptions/${subscription}`;

/** What an AMQP address names: a topic or queue by name, or a subscription; either may be a dead-letter queue. */
export type Address =
  | { kind: 'entity'; name: string; deadLetter: boolean }
  | { kind: 'subscription'; topic: string; subscription: string; deadLetter: boolean };

export function parseAddress(address: string): Address {
  const match = /^(.+)\/subscriptions\/([^/]+)(\/\$deadletterqueue)?$/i.exec(address);
  if (match) return { kind: 'subscription', topic: match[1]!, subscription: match[2]!, deadLetter: match[3] !== undefined };
  const deadLetter = /\/\$deadletterqueue$/i.exec(address);
  return deadLetter ? { kind: 'entity', name: address.slice(0, deadLetter.index), deadLetter: true } : { kind: 'entity', name: address, deadLetter: false };
}

/**
 * The broker's entities, in memory. Idle subscriptions are deleted lazily: every lookup sweeps
 * first, so a test that moves an injected clock sees the effect on its next call.
 */
export class Namespace {
  readonly #clock: Clock;
  readonly #topics = new Map<string, Topic>();
  readonly #queues = new Map<string, Receivable>();
  readonly counters: BrokerCounters = { sent: 0, received: 0, filterEvaluations: 0, managementOperations: 0, expired: 0 };

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  topic(name: string): Topic | undefined {
    this.sweep();
    return this.#topics.get(name);
  }

  createTopic(name: string): Topic | undefined {
    this.sweep();
    if (this.#topics.has(name) || this.#queues.has(name)) return undefined;
    const topic = new Topic(this.#clock, name);
    this.#topics.set(name, topic);
    return topic;
  }

  deleteTopic(name: string): boolean {
    return this.#topics.delete(name);
  }

  queueEntity(name: string): Receivable | undefined {
    this.sweep();
    return this.#queues.get(name);
  }

  /** Undefined when a queue or topic of that name exists already. */
  createQueue(name: string, settings: SubscriptionSettings): Receivable | undefined {
    this.sweep();
    if (this.#topics.has(name) || this.#queues.has(name)) return undefined;
    const queue = new Receivable(this.#clock, name, name, settings, this.counters);
    this.#queues.set(name, queue);
    return queue;
  }

  deleteQueue(name: string): boolean {
    return this.#queues.delete(name);
  }

  subscription(topicName: string, name: string): Subscription | undefined {
    return this.topic(topicName)?.subscriptions.get(name);
  }

  /** Undefined when the topic is missing or the subscription exists already. */
  createSubscription(topicName: string, name: string, settings: SubscriptionSettings): Subscription | undefined {
    const topic = this.topic(topicName);
    if (!topic || topic.subscriptions.has(name)) return undefined;
    const subscription = new Subscription(this.#clock, topicName, name, settings, this.counters);
    topic.subscriptions.set(name, subscription);
    return subscription;
  }

  deleteSubscription(topicName: string, name: string): boolean {
    return this.topic(topicName)?.subscriptions.delete(name) ?? false;
  }

  /** The message queue an address receives from, if it exists. */
  queue(address: Address): MessageQueue | undefined {
    const entity = address.kind === 'subscription' ? this.subscription(address.topic, address.subscription) : this.queueEntity(address.name);
    return address.deadLetter ? entity?.deadLetters : entity?.queue;
  }

  /** Whether a sender may attach to this address (a topic or a queue). */
  acceptsMessages(address: Address): boolean {
    return address.kind === 'entity' && !address.deadLetter && (this.topic(address.name) !== undefined || this.queueEntity(address.name) !== undefined);
  }

  /**
   * Into a queue, or copied into every subscription of a topic whose rule matches; false when
   * the entity is gone.
   */
  publish(name: string, message: Message): boolean {
    const topic = this.topic(name);
    const queue = topic ? undefined : this.queueEntity(name);
    if (!topic && !queue) return false;
    this.counters.sent += 1;
    const now = this.#clock.now();
    const sequenced = topic ?? this.#sequences;
    const stored = {
      sequenceNumber: sequenced.nextSequenceNumber++,
      enqueuedAt: now,
      message: { ...message, message_id: message.message_id ?? randomUUID() },
    };
    const ttl = (entity: Receivable) => Math.min(entity.defaultMessageTtlMs, Number(message.ttl ?? Infinity));
    if (queue) {
      queue.queue.touch();
      queue.queue.enqueue({ ...stored, expiresAt: now + ttl(queue), deliveryCount: 0, deferred: false });
      return true;
    }
    for (const subscription of topic!.subscriptions.values()) {
      this.counters.filterEvaluations += 1;
      if (!matches(subscription.filter, stored.message)) continue;
      subscription.queue.enqueue({ ...stored, expiresAt: now + ttl(subscription), deliveryCount: 0, deferred: false });
    }
    return true;
  }

  /** Sequence numbers of messages sent to queues. */
  readonly #sequences = { nextSequenceNumber: 1 };

  /** Deletes idle entities and returns expired locks to their queues. */
  sweep(): void {
    const now = this.#clock.now();
    const keep = (entity: Receivable) => {
      if (entity.isIdleSince(now)) return false;
      entity.queue.pump();
      entity.deadLetters.pump();
      return true;
    };
    for (const topic of this.#topics.values()) {
      for (const [name, subscription] of topic.subscriptions) if (!keep(subscription)) topic.subscriptions.delete(name);
    }
    for (const [name, queue] of this.#queues) if (!keep(queue)) this.#queues.delete(name);
  }
}

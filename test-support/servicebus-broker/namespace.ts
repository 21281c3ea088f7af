import { randomUUID } from 'node:crypto';
import type { Message } from 'rhea';
import type { Clock } from '../../libs/common/src/clock.ts';
import { MessageQueue, type QueueSettings } from './message-queue.ts';

export interface SubscriptionSettings extends QueueSettings {
  /** Infinity when the subscription never expires. */
  autoDeleteOnIdleMs: number;
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  lockDurationMs: 60_000,
  maxDeliveryCount: 10,
  autoDeleteOnIdleMs: Infinity,
};

export class Subscription {
  readonly name: string;
  readonly topic: string;
  readonly createdAt: number;
  readonly queue: MessageQueue;
  readonly deadLetters: MessageQueue;
  autoDeleteOnIdleMs: number;

  constructor(clock: Clock, topic: string, name: string, settings: SubscriptionSettings) {
    this.topic = topic;
    this.name = name;
    this.createdAt = clock.now();
    this.autoDeleteOnIdleMs = settings.autoDeleteOnIdleMs;
    const path = subscriptionPath(topic, name);
    this.deadLetters = new MessageQueue(clock, settings, path);
    this.queue = new MessageQueue(clock, settings, path, this.deadLetters);
  }

  isIdleSince(now: number): boolean {
    const busy = this.queue.consumerCount + this.deadLetters.consumerCount > 0;
    const lastActivity = Math.max(this.queue.lastActivity, this.deadLetters.lastActivity);
    return !busy && now - lastActivity >= this.autoDeleteOnIdleMs;
  }
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

/** What an AMQP address names; topic names may contain '/', subscription names may not. */
export type Address =
  | { kind: 'topic'; topic: string }
  | { kind: 'subscription'; topic: string; subscription: string; deadLetter: boolean };

export function parseAddress(address: string): Address {
  const match = /^(.+)\/subscriptions\/([^/]+)(\/\$deadletterqueue)?$/i.exec(address);
  if (!match) return { kind: 'topic', topic: address };
  return { kind: 'subscription', topic: match[1]!, subscription: match[2]!, deadLetter: match[3] !== undefined };
}

/**
 * The broker's entities, in memory. Idle subscriptions are deleted lazily: every lookup sweeps
 * first, so a test that moves an injected clock sees the effect on its next call.
 */
export class Namespace {
  readonly #clock: Clock;
  readonly #topics = new Map<string, Topic>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  topic(name: string): Topic | undefined {
    this.sweep();
    return this.#topics.get(name);
  }

  createTopic(name: string): Topic | undefined {
    this.sweep();
    if (this.#topics.has(name)) return undefined;
    const topic = new Topic(this.#clock, name);
    this.#topics.set(name, topic);
    return topic;
  }

  deleteTopic(name: string): boolean {
    return this.#topics.delete(name);
  }

  subscription(topicName: string, name: string): Subscription | undefined {
    return this.topic(topicName)?.subscriptions.get(name);
  }

  /** Undefined when the topic is missing or the subscription exists already. */
  createSubscription(topicName: string, name: string, settings: SubscriptionSettings): Subscription | undefined {
    const topic = this.topic(topicName);
    if (!topic || topic.subscriptions.has(name)) return undefined;
    const subscription = new Subscription(this.#clock, topicName, name, settings);
    topic.subscriptions.set(name, subscription);
    return subscription;
  }

  deleteSubscription(topicName: string, name: string): boolean {
    return this.topic(topicName)?.subscriptions.delete(name) ?? false;
  }

  /** The queue an address receives from, if it exists. */
  queue(address: Address): MessageQueue | undefined {
    if (address.kind !== 'subscription') return undefined;
    const subscription = this.subscription(address.topic, address.subscription);
    return address.deadLetter ? subscription?.deadLetters : subscription?.queue;
  }

  /** Copies the message into every subscription of the topic; false when the topic is gone. */
  publish(topicName: string, message: Message): boolean {
    const topic = this.topic(topicName);
    if (!topic) return false;
    const stored = {
      sequenceNumber: topic.nextSequenceNumber++,
      enqueuedAt: this.#clock.now(),
      message: { ...message, message_id: message.message_id ?? randomUUID() },
    };
    for (const subscription of topic.subscriptions.values()) {
      subscription.queue.enqueue({ ...stored, deliveryCount: 0, deferred: false });
    }
    return true;
  }

  /** Deletes idle subscriptions and returns expired locks to their queues. */
  sweep(): void {
    const now = this.#clock.now();
    for (const topic of this.#topics.values()) {
      for (const [name, subscription] of topic.subscriptions) {
        if (subscription.isIdleSince(now)) {
          topic.subscriptions.delete(name);
          continue;
        }
        subscription.queue.pump();
        subscription.deadLetters.pump();
      }
    }
  }
}

import { formatDurationMs } from './durations.ts';
import type { Receivable, Subscription, Topic } from './namespace.ts';

/**
 * The ATOM entries of the Service Bus administration API, with the fields the SDK's parsers
 * insist on (they throw when a required element is missing).
 */
const SB_NS = 'http://schemas.microsoft.com/netservices/2010/10/servicebus/connect';

const escape = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

function entry(id: string, title: string, updated: number, root: string, fields: Record<string, string | number | boolean>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => `<${name}>${escape(String(value))}</${name}>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<entry xmlns="http://www.w3.org/2005/Atom"><id>${escape(id)}</id><title type="text">${escape(title)}</title>` +
    `<updated>${new Date(updated).toISOString()}</updated>` +
    `<content type="application/xml"><${root} xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="${SB_NS}">` +
    `${body}</${root}></content></entry>`
  );
}

export function topicEntry(id: string, topic: Topic): string {
  return entry(id, topic.name, topic.createdAt, 'TopicDescription', {
    DefaultMessageTimeToLive: formatDurationMs(Infinity),
    MaxSizeInMegabytes: 1024,
    RequiresDuplicateDetection: false,
    DuplicateDetectionHistoryTimeWindow: 'PT10M',
    EnableBatchedOperations: true,
    SizeInBytes: 0,
    Status: 'Active',
    CreatedAt: new Date(topic.createdAt).toISOString(),
    SupportOrdering: true,
    AutoDeleteOnIdle: formatDurationMs(Infinity),
    EnablePartitioning: false,
    EntityAvailabilityStatus: 'Available',
    EnableExpress: false,
  });
}

export function subscriptionEntry(id: string, subscription: Subscription): string {
  const { settings } = subscription.queue;
  return entry(id, subscription.name, subscription.createdAt, 'SubscriptionDescription', {
    LockDuration: formatDurationMs(settings.lockDurationMs),
    RequiresSession: false,
    DefaultMessageTimeToLive: formatDurationMs(subscription.defaultMessageTtlMs),
    DeadLetteringOnMessageExpiration: false,
    DeadLetteringOnFilterEvaluationExceptions: true,
    MessageCount: subscription.queue.activeCount,
    MaxDeliveryCount: settings.maxDeliveryCount,
    EnableBatchedOperations: true,
    Status: 'Active',
    CreatedAt: new Date(subscription.createdAt).toISOString(),
    AutoDeleteOnIdle: formatDurationMs(subscription.autoDeleteOnIdleMs),
    EntityAvailabilityStatus: 'Available',
  });
}

export function queueEntry(id: string, queue: Receivable): string {
  const { settings } = queue.queue;
  return entry(id, queue.name, queue.createdAt, 'QueueDescription', {
    LockDuration: formatDurationMs(settings.lockDurationMs),
    MaxSizeInMegabytes: 1024,
    RequiresDuplicateDetection: false,
    RequiresSession: false,
    DefaultMessageTimeToLive: formatDurationMs(queue.defaultMessageTtlMs),
    DeadLetteringOnMessageExpiration: false,
    DuplicateDetectionHistoryTimeWindow: 'PT10M',
    MaxDeliveryCount: settings.maxDeliveryCount,
    EnableBatchedOperations: true,
    SizeInBytes: 0,
    MessageCount: queue.queue.activeCount,
    Status: 'Active',
    CreatedAt: new Date(queue.createdAt).toISOString(),
    AutoDeleteOnIdle: formatDurationMs(queue.autoDeleteOnIdleMs),
    EnablePartitioning: false,
    EntityAvailabilityStatus: 'Available',
    EnableExpress: false,
  });
}

export function errorBody(code: number, detail: string): string {
  return `<Error><Code>${code}</Code><Detail>${escape(detail)}</Detail></Error>`;
}

/** Text of the first `<name>` element: request bodies are flat enough not to need an XML parser. */
export function readElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?${name}>`).exec(xml);
  return match?.[1]?.trim();
}

import rhea, { type Message } from 'rhea';
import type { Lock, StoredMessage } from './message-queue.ts';

/** The message as a receiver sees it: the sender's message plus Service Bus broker annotations. */
export function toWireMessage(stored: StoredMessage, lock: Lock | undefined): Message {
  const annotations: Record<string, unknown> = {
    ...stored.message.message_annotations,
    'x-opt-sequence-number': rhea.types.wrap_long(stored.sequenceNumber),
    'x-opt-enqueued-time': new Date(stored.enqueuedAt),
  };
  if (lock) annotations['x-opt-locked-until'] = new Date(lock.lockedUntil);
  if (stored.deferred) annotations['x-opt-message-state'] = 1;
  return { ...stored.message, delivery_count: stored.deliveryCount, message_annotations: annotations };
}

/**
 * The SDK reads a delivery tag as a .NET-ordered GUID (first three groups byte-swapped) and sends
 * the resulting string back in `$management` requests, so tags are stored swapped.
 */
export function lockTokenToTag(token: string): Buffer {
  return swapGuidBytes(Buffer.from(rhea.string_to_uuid(token)));
}

export function tagToLockToken(tag: Buffer | string): string {
  return rhea.uuid_to_string(swapGuidBytes(typeof tag === 'string' ? Buffer.from(tag) : tag));
}

function swapGuidBytes(bytes: Buffer): Buffer {
  if (bytes.length !== 16) return bytes;
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Buffer.from(order.map((index) => bytes[index]!));
}

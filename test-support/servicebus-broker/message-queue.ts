import { randomUUID } from 'node:crypto';
import type { Message } from 'rhea';
import type { Clock } from '../../libs/common/src/clock.ts';

/** One copy of a published message inside one subscription (or its dead-letter queue). */
export interface StoredMessage {
  readonly sequenceNumber: number;
  readonly enqueuedAt: number;
  /** The message as the sender sent it; broker annotations are added on the way out. */
  readonly message: Message;
  /** Epoch ms from which the message is dropped unread (message or entity time to live). */
  readonly expiresAt: number;
  /** Failed delivery attempts so far (abandon or lock expiry), as Service Bus counts them. */
  deliveryCount: number;
  deferred: boolean;
}

export interface Lock {
  readonly token: string;
  readonly message: StoredMessage;
  lockedUntil: number;
}

/** A receiving link attached to the queue. */
export interface Consumer {
  readonly peekLock: boolean;
  /** How many messages the link can take right now. */
  credit(): number;
  deliver(message: StoredMessage, lock: Lock | undefined): void;
}

export type Settlement =
  | { kind: 'complete' }
  /** Delivery attempt failed (abandon, lock expiry): counts towards MaxDeliveryCount. */
  | { kind: 'abandon' }
  /** Handed back without an attempt (AMQP released): does not count. */
  | { kind: 'release' }
  | { kind: 'defer' }
  | { kind: 'dead-letter'; reason?: string; description?: string };

export interface QueueSettings {
  lockDurationMs: number;
  maxDeliveryCount: number;
}

/**
 * Peek-lock semantics of one Service Bus queue-like entity: FIFO by sequence number, locks with
 * expiry (read from the injected clock whenever the queue is touched), delivery counting,
 * deferral, and dead-lettering into `deadLetters` (absent for the dead-letter queue itself).
 */
export class MessageQueue {
  readonly #active: StoredMessage[] = [];
  readonly #locks = new Map<string, Lock>();
  readonly #deferred = new Map<number, StoredMessage>();
  readonly #consumers: Consumer[] = [];
  readonly #clock: Clock;
  readonly #deadLetters: MessageQueue | undefined;
  readonly #deadLetterSource: string;
  readonly #counters: { expired: number };
  settings: QueueSettings;
  /** Last receive-side activity, for auto-delete-on-idle. */
  lastActivity: number;

  constructor(clock: Clock, settings: QueueSettings, deadLetterSource: string, counters: { expired: number }, deadLetters?: MessageQueue) {
    this.#clock = clock;
    this.#counters = counters;
    this.settings = settings;
    this.#deadLetterSource = deadLetterSource;
    this.#deadLetters = deadLetters;
    this.lastActivity = clock.now();
  }

  get consumerCount(): number {
    return this.#consumers.length;
  }

  get activeCount(): number {
    return this.#active.length + this.#locks.size;
  }

  enqueue(message: StoredMessage): void {
    insertBySequence(this.#active, message);
    this.pump();
  }

  addConsumer(consumer: Consumer): void {
    this.#consumers.push(consumer);
    this.touch();
    this.pump();
  }

  removeConsumer(consumer: Consumer): void {
    const index = this.#consumers.indexOf(consumer);
    if (index >= 0) this.#consumers.splice(index, 1);
    this.touch();
  }

  /** Hands available messages to consumers with credit, round-robin, after reclaiming expired locks. */
  pump(): void {
    this.reclaimExpiredLocks();
    this.#dropExpired();
    let delivered = true;
    while (delivered && this.#active.length > 0) {
      delivered = false;
      for (const consumer of [...this.#consumers]) {
        if (this.#active.length === 0) break;
        if (consumer.credit() <= 0) continue;
        const message = this.#active.shift()!;
        consumer.deliver(message, consumer.peekLock ? this.#lock(message) : undefined);
        delivered = true;
        this.touch();
      }
    }
  }

  settle(token: string, settlement: Settlement): boolean {
    this.reclaimExpiredLocks();
    const lock = this.#locks.get(token);
    if (!lock) return false;
    this.#locks.delete(token);
    this.touch();
    this.#apply(lock.message, settlement);
    return true;
  }

  /** New expiry, or undefined when the lock is lost. */
  renew(token: string): number | undefined {
    this.reclaimExpiredLocks();
    const lock = this.#locks.get(token);
    if (!lock) return undefined;
    lock.lockedUntil = this.#clock.now() + this.settings.lockDurationMs;
    this.touch();
    return lock.lockedUntil;
  }

  /** Messages from `fromSequence` on, in order, without locking them (deferred ones included). */
  peek(fromSequence: number, count: number): StoredMessage[] {
    this.reclaimExpiredLocks();
    const all = [...this.#active, ...[...this.#locks.values()].map((lock) => lock.message), ...this.#deferred.values()];
    return all
      .filter((message) => message.sequenceNumber >= fromSequence)
      .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
      .slice(0, count);
  }

  /** Deferred messages by sequence number; peek-lock locks them, receive-and-delete removes them. */
  receiveDeferred(sequenceNumbers: number[], peekLock: boolean): Array<{ message: StoredMessage; lock?: Lock }> {
    this.reclaimExpiredLocks();
    const result: Array<{ message: StoredMessage; lock?: Lock }> = [];
    for (const sequenceNumber of sequenceNumbers) {
      const message = this.#deferred.get(sequenceNumber);
      if (!message) continue;
      this.#deferred.delete(sequenceNumber);
      result.push(peekLock ? { message, lock: this.#lock(message) } : { message });
    }
    this.touch();
    return result;
  }

  reclaimExpiredLocks(): void {
    const now = this.#clock.now();
    for (const [token, lock] of this.#locks) {
      if (lock.lockedUntil > now) continue;
      this.#locks.delete(token);
      this.#apply(lock.message, { kind: 'abandon' });
    }
  }

  touch(): void {
    this.lastActivity = this.#clock.now();
  }

  #dropExpired(): void {
    const now = this.#clock.now();
    const live = this.#active.filter((message) => message.expiresAt > now);
    this.#counters.expired += this.#active.length - live.length;
    this.#active.splice(0, this.#active.length, ...live);
  }

  #lock(message: StoredMessage): Lock {
    const lock = { token: randomUUID(), message, lockedUntil: this.#clock.now() + this.settings.lockDurationMs };
    this.#locks.set(lock.token, lock);
    return lock;
  }

  #apply(message: StoredMessage, settlement: Settlement): void {
    switch (settlement.kind) {
      case 'complete':
        return;
      case 'release':
        this.#requeue(message);
        return;
      case 'abandon':
        message.deliveryCount += 1;
        if (message.deliveryCount >= this.settings.maxDeliveryCount) {
          this.#deadLetter(message, 'MaxDeliveryCountExceeded', `delivered ${message.deliveryCount} times`);
        } else {
          this.#requeue(message);
        }
        return;
      case 'defer':
        message.deferred = true;
        this.#deferred.set(message.sequenceNumber, message);
        return;
      case 'dead-letter':
        this.#deadLetter(message, settlement.reason, settlement.description);
        return;
    }
  }

  #requeue(message: StoredMessage): void {
    message.deferred = false;
    insertBySequence(this.#active, message);
    // Redelivery happens on the next turn so a settlement never re-enters the link that settled.
    setImmediate(() => this.pump());
  }

  #deadLetter(message: StoredMessage, reason: string | undefined, description: string | undefined): void {
    if (!this.#deadLetters) return;
    const properties: Record<string, unknown> = { ...message.message.application_properties };
    if (reason !== undefined) properties.DeadLetterReason = reason;
    if (description !== undefined) properties.DeadLetterErrorDescription = description;
    this.#deadLetters.enqueue({
      ...message,
      expiresAt: Infinity,
      deferred: false,
      message: {
        ...message.message,
        application_properties: properties,
        message_annotations: { ...message.message.message_annotations, 'x-opt-deadletter-source': this.#deadLetterSource },
      },
    });
  }
}

function insertBySequence(list: StoredMessage[], message: StoredMessage): void {
  let index = list.length;
  while (index > 0 && list[index - 1]!.sequenceNumber > message.sequenceNumber) index -= 1;
  list.splice(index, 0, message);
}

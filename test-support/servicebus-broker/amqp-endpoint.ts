import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import rhea, { type Connection, type Delivery, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { handleManagementRequest } from './management-ops.ts';
import type { Consumer, Lock, MessageQueue, Settlement, StoredMessage } from './message-queue.ts';
import { parseAddress, type Namespace } from './namespace.ts';
import { acceptConnection, decodeMessage, linkCredit, rejectedOutcome, remoteAttach, setLocalAttach } from './rhea-internals.ts';
import { lockTokenToTag, tagToLockToken, toWireMessage } from './wire-message.ts';

const CBS = '$cbs';
const MANAGEMENT_SUFFIX = '/$management';
/** What the SDK puts in `message_format` for `sendMessages([...])`: data sections of encoded messages. */
const BATCH_FORMAT = 0x80013700;
/** Standard tier's limit; the SDK sizes its batches from the value on the attach frame. */
const MAX_MESSAGE_SIZE = 256 * 1024;

const notFound = (what: string) => ({ condition: 'amqp:not-found', description: `The messaging entity '${what}' could not be found.` });

/** Streams a queue's messages down one receiving link, within the credit the peer granted. */
class LinkConsumer implements Consumer {
  readonly peekLock: boolean;
  readonly #sender: Sender;
  readonly #counters: { received: number };
  /** Sends not yet written to the wire: rhea lowers `credit` only when it flushes on the next tick. */
  #unflushed = 0;

  constructor(sender: Sender, counters: { received: number }) {
    this.#sender = sender;
    this.#counters = counters;
    // receiveAndDelete attaches with snd-settle-mode "settled": deliveries are pre-settled.
    this.peekLock = remoteAttach(sender).snd_settle_mode !== 1;
  }

  credit(): number {
    return linkCredit(this.#sender) - this.#unflushed;
  }

  deliver(message: StoredMessage, lock: Lock | undefined): void {
    const tag = lock ? lockTokenToTag(lock.token) : Buffer.from(rhea.string_to_uuid(randomUUID()));
    this.#sender.send(toWireMessage(message, lock), tag);
    this.#counters.received += 1;
    if (this.#unflushed++ === 0) process.nextTick(() => (this.#unflushed = 0));
  }
}

interface ConnectionState {
  /** Reply links of request/response pairs ($cbs, $management), by link name = reply-to address. */
  readonly replyLinks: Map<string, Sender>;
  readonly consumers: Map<Sender, { queue: MessageQueue; consumer: LinkConsumer }>;
}

/**
 * The AMQP side of the broker: SASL ANONYMOUS, the `$cbs` put-token exchange (always granted),
 * senders into topics, peek-lock or receive-and-delete receivers on subscriptions and their
 * dead-letter queues, settlement mapping, and `$management` request/response links.
 */
export class AmqpEndpoint {
  readonly #namespace: Namespace;
  readonly #container = rhea.create_container({ id: 'servicebus-test-broker' });
  readonly #connections = new Map<Connection, ConnectionState>();

  constructor(namespace: Namespace) {
    this.#namespace = namespace;
    const container = this.#container;
    container.on('sender_open', (context: EventContext) => this.#onSenderOpen(context));
    container.on('receiver_open', (context: EventContext) => this.#onReceiverOpen(context));
    container.on('message', (context: EventContext) => this.#onMessage(context));
    container.on('sendable', (context: EventContext) => this.#consumerOf(context)?.queue.pump());
    container.on('sender_draining', (context: EventContext) => this.#onDraining(context));
    container.on('accepted', (context: EventContext) => this.#onOutcome(context, { kind: 'complete' }));
    container.on('released', (context: EventContext) => this.#onOutcome(context, { kind: 'release' }));
    container.on('modified', (context: EventContext) => this.#onModified(context));
    container.on('rejected', (context: EventContext) => this.#onRejected(context));
    container.on('sender_close', (context: EventContext) => this.#onSenderClose(context));
    container.on('disconnected', (context: EventContext) => this.#forget(context.connection));
    container.on('connection_close', (context: EventContext) => this.#forget(context.connection));
    // A peer that vanishes mid-frame is a normal event for a fault-testing broker, not a crash.
    container.on('error', () => {});
  }

  accept(socket: Socket): void {
    const connection = acceptConnection(this.#container, socket, {
      // Outcomes are applied explicitly: Service Bus tells abandon (modified) from release, and
      // accepts a sent message only once a topic took it.
      treat_modified_as_released: false,
      autoaccept: false,
    });
    this.#connections.set(connection, { replyLinks: new Map(), consumers: new Map() });
  }

  #state(connection: Connection): ConnectionState | undefined {
    return this.#connections.get(connection);
  }

  #onSenderOpen(context: EventContext): void {
    const sender = context.sender!;
    const state = this.#state(context.connection);
    const address = sender.source?.address ?? '';
    const attach = remoteAttach(sender);
    sender.set_source({ address });
    sender.set_target({ address: sender.target?.address ?? '' });
    setLocalAttach(sender, { snd_settle_mode: attach.snd_settle_mode, rcv_settle_mode: attach.rcv_settle_mode });
    if (!state) return;
    if (address === CBS || address.endsWith(MANAGEMENT_SUFFIX)) {
      if (this.#entityMissing(address)) sender.close(notFound(address));
      else state.replyLinks.set(sender.name, sender);
      return;
    }
    const queue = this.#namespace.queue(parseAddress(address));
    if (!queue) {
      sender.close(notFound(address));
      return;
    }
    const consumer = new LinkConsumer(sender, this.#namespace.counters);
    state.consumers.set(sender, { queue, consumer });
    queue.addConsumer(consumer);
  }

  #onReceiverOpen(context: EventContext): void {
    const receiver = context.receiver!;
    const address = receiver.target?.address ?? '';
    receiver.set_target({ address });
    setLocalAttach(receiver, { max_message_size: MAX_MESSAGE_SIZE });
    if (address === CBS) return;
    if (this.#entityMissing(address)) receiver.close(notFound(address));
  }

  /** Like Service Bus, refuse links (management ones included) to entities that do not exist. */
  #entityMissing(address: string): boolean {
    if (address === CBS) return false;
    if (!address.endsWith(MANAGEMENT_SUFFIX)) return !this.#namespace.acceptsMessages(parseAddress(address));
    const entity = parseAddress(address.slice(0, -MANAGEMENT_SUFFIX.length));
    return !this.#namespace.queue(entity) && !this.#namespace.acceptsMessages(entity);
  }

  #onMessage(context: EventContext): void {
    const receiver = context.receiver!;
    const delivery = context.delivery!;
    const request = context.message!;
    const address = receiver.target?.address ?? '';
    if (address === CBS) {
      this.#reply(context.connection, request, { 'status-code': 200, 'status-description': 'OK' });
      delivery.accept();
      return;
    }
    if (address.endsWith(MANAGEMENT_SUFFIX)) {
      const entity = parseAddress(address.slice(0, -MANAGEMENT_SUFFIX.length));
      const { body, ...status } = handleManagementRequest(this.#namespace.queue(entity), request);
      this.#reply(context.connection, request, status, body);
      delivery.accept();
      return;
    }
    this.#publish(receiver, delivery, request);
  }

  #publish(receiver: Receiver, delivery: Delivery, message: Message): void {
    const topic = receiver.target?.address ?? '';
    const messages = delivery.format === BATCH_FORMAT ? unbatch(message) : [message];
    const published = messages.every((message) => this.#namespace.publish(topic, message));
    if (published) delivery.accept();
    else delivery.reject(notFound(topic));
  }

  #reply(connection: Connection, request: Message, applicationProperties: Record<string, unknown>, body?: unknown): void {
    const link = this.#state(connection)?.replyLinks.get(String(request.reply_to));
    link?.send({ correlation_id: request.message_id, application_properties: applicationProperties, body });
  }

  #consumerOf(context: EventContext) {
    return context.sender ? this.#state(context.connection)?.consumers.get(context.sender) : undefined;
  }

  /** A drain asks for what is available now and then for the rest of the credit back. */
  #onDraining(context: EventContext): void {
    this.#consumerOf(context)?.queue.pump();
    context.sender?.set_drained(true);
  }

  #onModified(context: EventContext): void {
    const state = context.delivery?.remote_state as { undeliverable_here?: boolean } | undefined;
    // The SDK abandons with undeliverable-here=false and defers with undeliverable-here=true.
    this.#onOutcome(context, state?.undeliverable_here ? { kind: 'defer' } : { kind: 'abandon' });
  }

  #onRejected(context: EventContext): void {
    const state = context.delivery?.remote_state as { error?: { info?: Record<string, string> } } | undefined;
    const info = state?.error?.info ?? {};
    this.#onOutcome(context, { kind: 'dead-letter', reason: info.DeadLetterReason, description: info.DeadLetterErrorDescription });
  }

  /** Applies a receiver's outcome, then settles, as a peer in rcv-settle-mode "second" waits for. */
  #onOutcome(context: EventContext, settlement: Settlement): void {
    const entry = this.#consumerOf(context);
    const delivery = context.delivery!;
    if (!entry || !entry.consumer.peekLock) return;
    const settled = entry.queue.settle(tagToLockToken(delivery.tag), settlement);
    if (delivery.remote_settled) return;
    if (settled) {
      // Echo the peer's outcome: a settled disposition without a state confuses rhea clients.
      delivery.update(true, (delivery.remote_state as { described(): unknown }).described());
    } else {
      const error = { condition: 'com.microsoft:message-lock-lost', description: 'The lock supplied is invalid.' };
      delivery.update(true, rejectedOutcome(error));
    }
  }

  #onSenderClose(context: EventContext): void {
    const state = this.#state(context.connection);
    const sender = context.sender;
    if (!state || !sender) return;
    state.replyLinks.delete(sender.name);
    const entry = state.consumers.get(sender);
    if (!entry) return;
    state.consumers.delete(sender);
    entry.queue.removeConsumer(entry.consumer);
  }

  #forget(connection: Connection): void {
    const state = this.#state(connection);
    if (!state) return;
    this.#connections.delete(connection);
    for (const { queue, consumer } of state.consumers.values()) queue.removeConsumer(consumer);
  }
}

/**
 * The messages inside a batch: rhea leaves a non-default format undecoded, and each data section
 * of the envelope holds one whole encoded message.
 */
function unbatch(raw: Message): Message[] {
  const envelope = decodeMessage(raw as unknown as Buffer);
  const section = envelope.body as { content: Buffer | Buffer[]; multiple?: boolean };
  const parts = section.multiple ? (section.content as Buffer[]) : [section.content as Buffer];
  return parts.map(decodeMessage);
}

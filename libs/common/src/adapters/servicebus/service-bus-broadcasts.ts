import type { TokenCredential } from '@azure/identity';
import {
  ServiceBusClient,
  isServiceBusError,
  type ProcessErrorArgs,
  type ServiceBusAdministrationClient,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusSender,
} from '@azure/service-bus';
import { systemClock, type Clock } from '../../clock.ts';
import { DependencyUnavailableError } from '../../errors.ts';
import { errorSummary } from '../../observability/repeated-log.ts';
import type { Broadcasts, BusStatus, EventEnvelope, EventKind } from '../../ports/broadcasts.ts';
import { createAdministrationClient, type ServiceBusCredentials } from './administration-client.ts';
import { fromServiceBusMessage, toServiceBusMessage } from './envelope-codec.ts';
import { StatusSignal } from './status-signal.ts';
import { ServiceBusConfigurationError, createReplicaSubscription, describeEntityError, subscriptionNameFor } from './subscription-provisioner.ts';

/** One streaming receiver; replaced as a whole when it may be stuck. */
interface Receiving {
  receiver: ServiceBusReceiver;
  handle: { close(): Promise<void> };
  abort: AbortController;
}

/** The pino methods the adapter uses. */
export interface BusLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ServiceBusBroadcastsOptions {
  /** SERVICEBUS_CONNECTION_STRING; wins over `namespace`. */
  connectionString?: string | undefined;
  /** SERVICEBUS_NAMESPACE, fully qualified; used with DefaultAzureCredential (workload identity). */
  namespace?: string | undefined;
  /** SERVICEBUS_TOPIC; default 'signal-events'. */
  topic?: string | undefined;
  /** SERVICEBUS_SUBSCRIPTION: a provisioned per-replica subscription, for credentials without Manage rights. */
  subscription?: string | undefined;
  /** Pod name; the subscription created for this replica is named after it. */
  replicaName: string;
  /** Service Bus deletes this replica's own subscription once idle that long; default 300. */
  autoDeleteOnIdleSeconds?: number;
  logger: BusLogger;
  onPublished?: (kind: EventKind, outcome: 'ok' | 'error') => void;
  /** `kind` is 'unknown' for malformed messages, which are dropped. */
  onReceived?: (kind: EventKind | 'unknown', outcome: 'ok' | 'malformed') => void;
  /** Publish-to-receive delay of each received event. */
  onLag?: (kind: EventKind, seconds: number) => void;
  /** Longest a publish may take before it rejects; default 2000. */
  publishTimeoutMs?: number;
  /** How often the connection is checked; default 1000. Cheap while the link is open. */
  probeIntervalMs?: number;
  clock?: Clock;
  /** Credential for `namespace`; default DefaultAzureCredential. */
  credential?: TokenCredential;
}

const DEFAULT_TOPIC = 'signal-events';
const START_TIMEOUT_MS = 15_000;
/**
 * Short, steady SDK retries: the streaming receiver retries forever at this pace, so the bus is
 * back within about a second of the namespace; a publish is bounded separately by its timeout.
 */
const RETRY_OPTIONS = { retryDelayInMs: 500, maxRetryDelayInMs: 5_000, timeoutInMs: 10_000 };

interface Wiring {
  client: ServiceBusClient;
  sender: ServiceBusSender;
  topic: string;
  subscription: string;
  /** Present when this replica created its subscription and may re-create and delete it. */
  admin: ServiceBusAdministrationClient | undefined;
}

/**
 * Broadcasts over a Service Bus topic: every replica receives them from a subscription of its own
 * whose rule lets only broadcast kinds through.
 *
 * Receive mode is receive-and-delete: the subscription belongs to this process alone and events
 * only wake in-memory waiters, so a lock/settle round trip per event would add latency and buy
 * nothing (after a crash no one would take over a redelivered message; the store stays the
 * source of truth). Malformed messages are logged and dropped.
 *
 * Status follows the AMQP connection: a periodic probe re-opens the sender link when the
 * connection dropped, so `down` is noticed without traffic and `up` returns by itself; while down,
 * `publish` fails at once instead of holding callers for the full timeout.
 */
export class ServiceBusBroadcasts implements Broadcasts {
  readonly #wiring: Wiring;
  readonly #options: ServiceBusBroadcastsOptions;
  readonly #clock: Clock;
  readonly #publishTimeoutMs: number;
  readonly #handlers = new Set<(event: EventEnvelope) => void>();
  readonly #status = new StatusSignal('up');
  #probeTimer: NodeJS.Timeout | undefined;
  #probing = false;
  #recreating: Promise<void> | undefined;
  /** Code of the last receive error logged: the SDK reports every failed retry cycle. */
  #lastReceiveError: string | undefined;
  #receiving: Receiving | undefined;
  #closing: Promise<void> | undefined;

  /** Connects, creates or checks the subscription, and resolves once events can flow. */
  static async start(options: ServiceBusBroadcastsOptions): Promise<ServiceBusBroadcasts> {
    const credentials = await resolveCredentials(options);
    const topic = options.topic ?? DEFAULT_TOPIC;
    const client =
      'connectionString' in credentials
        ? new ServiceBusClient(credentials.connectionString, { retryOptions: RETRY_OPTIONS })
        : new ServiceBusClient(credentials.namespace, credentials.credential, { retryOptions: RETRY_OPTIONS });
    const admin = options.subscription === undefined ? createAdministrationClient(credentials) : undefined;
    const subscription = options.subscription ?? subscriptionNameFor(options.replicaName);
    const wiring: Wiring = { client, sender: client.createSender(topic), topic, subscription, admin };
    try {
      if (admin) await createReplicaSubscription(admin, topic, subscription, options.autoDeleteOnIdleSeconds ?? 300);
      const bus = new ServiceBusBroadcasts(wiring, options);
      await bus.#open();
      return bus;
    } catch (error) {
      await deleteOwnSubscription(wiring, AbortSignal.timeout(START_TIMEOUT_MS));
      await client.close().catch(() => {});
      throw error;
    }
  }

  private constructor(wiring: Wiring, options: ServiceBusBroadcastsOptions) {
    this.#wiring = wiring;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#publishTimeoutMs = options.publishTimeoutMs ?? 2_000;
  }

  /** The subscription this replica receives from. */
  get subscriptionName(): string {
    return this.#wiring.subscription;
  }

  /** Rejects with DependencyUnavailableError; its cause says whether the topic was missing. */
  async publish(event: EventEnvelope): Promise<void> {
    if (this.#closing || this.#status.get() === 'down') {
      this.#options.onPublished?.(event.kind, 'error');
      throw new DependencyUnavailableError('servicebus');
    }
    try {
      await this.#wiring.sender.sendMessages(toServiceBusMessage(event), { abortSignal: AbortSignal.timeout(this.#publishTimeoutMs) });
      this.#options.onPublished?.(event.kind, 'ok');
    } catch (error) {
      this.#options.onPublished?.(event.kind, 'error');
      const missing = isServiceBusError(error) && error.code === 'MessagingEntityNotFound';
      if (!missing) this.#markDown(error);
      throw new DependencyUnavailableError('servicebus', error);
    }
  }

  subscribe(handler: (event: EventEnvelope) => void): () => void {
    const own = (event: EventEnvelope) => handler(event);
    this.#handlers.add(own);
    return () => this.#handlers.delete(own);
  }

  status(): BusStatus {
    return this.#status.get();
  }

  onStatusChange(listener: (status: BusStatus) => void): () => void {
    return this.#status.onChange(listener);
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #open(): Promise<void> {
    const { sender, topic, subscription } = this.#wiring;
    const abortSignal = AbortSignal.timeout(START_TIMEOUT_MS);
    // These calls fail fast and specifically when an entity is missing or a right is lacking.
    await sender.createMessageBatch({ abortSignal }).catch((error: unknown) => {
      throw describeEntityError(error, topic, undefined);
    });
    const receiver = this.#createReceiver();
    await receiver.peekMessages(1, { abortSignal }).catch((error: unknown) => {
      throw describeEntityError(error, topic, subscription);
    });
    this.#receiving = this.#startReceiving(receiver);
    this.#probeTimer = setInterval(() => void this.#probe(), this.#options.probeIntervalMs ?? 1_000);
    this.#probeTimer.unref();
  }

  #createReceiver(): ServiceBusReceiver {
    const { client, topic, subscription } = this.#wiring;
    return client.createReceiver(topic, subscription, { receiveMode: 'receiveAndDelete' });
  }

  #startReceiving(receiver: ServiceBusReceiver): Receiving {
    const abort = new AbortController();
    const handle = receiver.subscribe(
      { processMessage: async (message) => this.#deliver(message), processError: async (args) => this.#onReceiveError(args) },
      { abortSignal: abort.signal },
    );
    return { receiver, handle, abort };
  }

  async #stopReceiving(): Promise<void> {
    const receiving = this.#receiving;
    this.#receiving = undefined;
    if (receiving === undefined) return;
    receiving.abort.abort();
    await receiving.handle.close().catch(() => {});
    await receiving.receiver.close().catch(() => {});
  }

  /**
   * A connection that drops while the SDK negotiates the receiver's claim leaves that receiver
   * waiting out a fixed 60 s timeout before its own retry starts (the SDK never fails the pending
   * request). After an outage the receiver is therefore replaced instead of trusted to recover.
   */
  async #restartReceiving(): Promise<void> {
    await this.#stopReceiving();
    if (!this.#closing) this.#receiving = this.#startReceiving(this.#createReceiver());
  }

  #deliver(message: ServiceBusReceivedMessage): void {
    this.#markUp();
    this.#lastReceiveError = undefined;
    const decoded = fromServiceBusMessage(message);
    if (!decoded.ok) {
      this.#options.logger.warn({ messageId: message.messageId, reason: decoded.reason }, 'malformed event dropped');
      this.#options.onReceived?.('unknown', 'malformed');
      return;
    }
    const { event } = decoded;
    this.#options.onLag?.(event.kind, Math.max(0, this.#clock.now() - event.publishedAt) / 1000);
    this.#options.onReceived?.(event.kind, 'ok');
    for (const handler of [...this.#handlers]) {
      try {
        handler(event);
      } catch (error) {
        this.#options.logger.error({ err: error, kind: event.kind }, 'event handler failed');
      }
    }
  }

  /** The SDK keeps retrying by itself; this reports, and repairs what retrying cannot. */
  #onReceiveError({ error }: ProcessErrorArgs): void {
    if (this.#closing) return;
    const code = isServiceBusError(error) ? error.code : error.name;
    if (code !== this.#lastReceiveError) {
      this.#lastReceiveError = code;
      this.#options.logger.warn({ error: errorSummary(error), subscription: this.#wiring.subscription }, 'receiving events failed; retrying');
    }
    if (code === 'MessagingEntityNotFound') this.#recreateSubscription(error);
    else void this.#probe();
  }

  /**
   * The subscription disappears when the namespace was unreachable for longer than
   * auto-delete-on-idle; once re-created (idempotently), the SDK's own retry attaches again.
   */
  #recreateSubscription(cause: unknown): void {
    const { admin, topic, subscription } = this.#wiring;
    if (!admin) {
      this.#options.logger.error({ err: cause, subscription }, 'SERVICEBUS_SUBSCRIPTION no longer exists; events are lost');
      return;
    }
    if (this.#recreating) return;
    this.#options.logger.warn({ subscription }, 'subscription vanished (auto-deleted while unreachable?); re-creating it');
    this.#recreating = createReplicaSubscription(admin, topic, subscription, this.#options.autoDeleteOnIdleSeconds ?? 300)
      .catch((error: unknown) => this.#options.logger.warn({ err: error, subscription }, 'subscription not re-created yet'))
      .finally(() => (this.#recreating = undefined));
  }

  async #probe(): Promise<void> {
    if (this.#probing || this.#closing) return;
    this.#probing = true;
    try {
      await this.#wiring.sender.createMessageBatch({ abortSignal: AbortSignal.timeout(this.#publishTimeoutMs) });
      const recovered = this.#status.get() === 'down';
      this.#markUp();
      if (recovered) await this.#restartReceiving();
    } catch (error) {
      this.#markDown(error);
    } finally {
      this.#probing = false;
    }
  }

  #markUp(): void {
    if (this.#closing) return;
    if (this.#status.set('up')) this.#options.logger.info({ topic: this.#wiring.topic }, 'Service Bus reachable');
  }

  #markDown(error: unknown): void {
    if (this.#closing) return;
    if (this.#status.set('down')) this.#options.logger.warn({ error: errorSummary(error), topic: this.#wiring.topic }, 'Service Bus unreachable');
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#probeTimer);
    this.#status.silence('down');
    this.#handlers.clear();
    await this.#stopReceiving();
    await deleteOwnSubscription(this.#wiring, AbortSignal.timeout(this.#publishTimeoutMs));
    await this.#wiring.client.close().catch(() => {});
  }
}

/** Best effort: auto-delete-on-idle removes it anyway if the namespace is unreachable now. */
async function deleteOwnSubscription({ admin, topic, subscription }: Wiring, abortSignal: AbortSignal): Promise<void> {
  await admin?.deleteSubscription(topic, subscription, { abortSignal }).catch(() => {});
}

async function resolveCredentials(options: ServiceBusBroadcastsOptions): Promise<ServiceBusCredentials> {
  if (options.connectionString) return { connectionString: options.connectionString };
  if (options.namespace) {
    // Loaded only in this mode: the identity stack is large and connection strings never need it.
    const credential = options.credential ?? new (await import('@azure/identity')).DefaultAzureCredential();
    return { namespace: options.namespace, credential };
  }
  throw new ServiceBusConfigurationError('BUS=servicebus needs SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE');
}

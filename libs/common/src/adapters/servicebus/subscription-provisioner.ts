import { randomBytes } from 'node:crypto';
import { isServiceBusError, type ServiceBusAdministrationClient } from '@azure/service-bus';

/** Service Bus limit on subscription names. */
const MAX_NAME_LENGTH = 50;
const SUFFIX_BYTES = 4;

/**
 * A subscription name for one replica: the pod name made valid (letters, digits, '.', '-', '_',
 * starting and ending alphanumeric) plus a random suffix, so that a restarted pod with the same
 * name never inherits the backlog of its predecessor's subscription.
 */
export function subscriptionNameFor(replicaName: string): string {
  const suffix = randomBytes(SUFFIX_BYTES).toString('hex');
  const room = MAX_NAME_LENGTH - suffix.length - 1;
  const base = replicaName
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, room)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return `${base || 'signal'}-${suffix}`;
}

/** A start-up failure whose message says which setting to change. */
export class ServiceBusConfigurationError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'ServiceBusConfigurationError';
  }
}

const restCode = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;

/**
 * Creates this replica's subscription, deleted by Service Bus once nobody received from it for
 * `autoDeleteOnIdleSeconds` (a crashed pod leaves nothing behind), with a rule that lets only
 * broadcasts through. Also used to re-create it when it vanished during an outage longer than that.
 */
export async function createReplicaSubscription(
  admin: ServiceBusAdministrationClient,
  topic: string,
  name: string,
  autoDeleteOnIdleSeconds: number,
): Promise<void> {
  try {
    await admin.createSubscription(topic, name, { autoDeleteOnIdle: `PT${autoDeleteOnIdleSeconds}S`, defaultRuleOptions: BROADCAST_FILTER });
  } catch (error) {
    switch (restCode(error)) {
      case 'MessageEntityAlreadyExistsError':
        return;
      case 'MessageEntityNotFoundError':
        throw new ServiceBusConfigurationError(`Service Bus topic '${topic}' does not exist: create it or correct SERVICEBUS_TOPIC`, error);
      case 'UnauthorizedRequestError':
        throw new ServiceBusConfigurationError(
          `The Service Bus credentials lack Manage rights to create a subscription on '${topic}': grant Manage ` +
            `(SERVICEBUS_CONNECTION_STRING key or SERVICEBUS_NAMESPACE identity) or set SERVICEBUS_SUBSCRIPTION ` +
            `to a subscription provisioned for this replica`,
          error,
        );
      default:
        throw new ServiceBusConfigurationError(
          `Cannot create a Service Bus subscription on '${topic}' (check SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE): ${String(error)}`,
          error,
        );
    }
  }
}

/** Translates what the AMQP side says about a fixed subscription or the topic into start-up errors. */
export function describeEntityError(error: unknown, topic: string, subscription: string | undefined): ServiceBusConfigurationError {
  const code = isServiceBusError(error) ? error.code : undefined;
  const entity = subscription === undefined ? `topic '${topic}' (SERVICEBUS_TOPIC)` : `subscription '${subscription}' on topic '${topic}' (SERVICEBUS_SUBSCRIPTION, SERVICEBUS_TOPIC)`;
  if (code === 'MessagingEntityNotFound') return new ServiceBusConfigurationError(`Service Bus ${entity} does not exist`, error);
  if (code === 'UnauthorizedAccess') {
    return new ServiceBusConfigurationError(
      `The Service Bus credentials (SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE) lack Send/Listen rights on ${entity}`,
      error,
    );
  }
  return new ServiceBusConfigurationError(
    `Cannot reach Service Bus ${entity} (check SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE): ${String(error)}`,
    error,
  );
}

/**
 * The broadcast kinds, by subject: whatever else reaches the topic (another producer's traffic)
 * costs this replica nothing. Listed, not `1=1`, so an operator's provisioned subscription states
 * what it lets through.
 */
export const BROADCAST_FILTER = { name: 'broadcasts', filter: { sqlExpression: "sys.Label IN ('session.revoked', 'sdp.expired')" } } as const;

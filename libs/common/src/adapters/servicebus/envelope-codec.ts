import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { decodeEnvelope, type Decoded } from '../../events/decode-envelope.ts';
import type { EventEnvelope } from '../../ports/broadcasts.ts';

/**
 * The Service Bus form of an event: the envelope as a JSON body, its id as the message id (the
 * broker's duplicate detection key), and kind, version and trace context as application
 * properties so that subscription rules and tooling can read them without parsing bodies.
 */
export function toServiceBusMessage(event: EventEnvelope): ServiceBusMessage {
  const applicationProperties: Record<string, string | number> = { kind: event.kind, version: event.version };
  if (event.traceparent !== undefined) applicationProperties.traceparent = event.traceparent;
  return { body: event, messageId: event.id, contentType: 'application/json', subject: event.kind, applicationProperties };
}

export type { Decoded } from '../../events/decode-envelope.ts';

/** The event a received message carries, validated. */
export function fromServiceBusMessage(message: Pick<ServiceBusReceivedMessage, 'body'>): Decoded {
  return decodeEnvelope(message.body);
}

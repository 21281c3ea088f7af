import rhea, { type Message } from 'rhea';
import type { MessageQueue, Settlement } from './message-queue.ts';
import { toWireMessage } from './wire-message.ts';

/** A `$management` reply: Service Bus puts the status in `statusCode`, not CBS's `status-code`. */
export interface ManagementReply {
  statusCode: number;
  statusDescription: string;
  errorCondition?: string;
  body?: unknown;
}

const ok = (body?: unknown): ManagementReply => ({ statusCode: 200, statusDescription: 'OK', body });
const lockLost = (): ManagementReply => ({
  statusCode: 410,
  statusDescription: 'The lock supplied is invalid. Either the lock expired, or the message has already been removed.',
  errorCondition: 'com.microsoft:message-lock-lost',
});

type Body = Record<string, unknown>;
type Operation = (queue: MessageQueue, body: Body) => ManagementReply;

/** Only the operations the SDK's receivers send; everything else is answered "not implemented". */
const OPERATIONS: Record<string, Operation> = {
  'com.microsoft:peek-message': (queue, body) => {
    const messages = queue.peek(toNumber(body['from-sequence-number']), toNumber(body['message-count']));
    if (messages.length === 0) return { statusCode: 204, statusDescription: 'No messages' };
    return ok({ messages: messages.map((message) => ({ message: rhea.message.encode(toWireMessage(message, undefined)) })) });
  },
  'com.microsoft:renew-lock': (queue, body) => {
    const expirations: Date[] = [];
    for (const token of lockTokens(body)) {
      const lockedUntil = queue.renew(token);
      if (lockedUntil === undefined) return lockLost();
      expirations.push(new Date(lockedUntil));
    }
    return ok({ expirations });
  },
  'com.microsoft:receive-by-sequence-number': (queue, body) => {
    const sequenceNumbers = (body['sequence-numbers'] as unknown[]).map(toNumber);
    const peekLock = toNumber(body['receiver-settle-mode']) === 1;
    const received = queue.receiveDeferred(sequenceNumbers, peekLock);
    if (received.length === 0) {
      return { statusCode: 404, statusDescription: 'No deferred messages', errorCondition: 'com.microsoft:message-not-found' };
    }
    return ok({
      messages: received.map(({ message, lock }) => ({
        message: rhea.message.encode(toWireMessage(message, lock)),
        ...(lock ? { 'lock-token': rhea.types.wrap_uuid(rhea.string_to_uuid(lock.token)) } : {}),
      })),
    });
  },
  'com.microsoft:update-disposition': (queue, body) => {
    const settlement = dispositionToSettlement(body);
    for (const token of lockTokens(body)) {
      if (!queue.settle(token, settlement)) return lockLost();
    }
    return ok();
  },
};

export function handleManagementRequest(queue: MessageQueue | undefined, request: Message): ManagementReply {
  if (!queue) return { statusCode: 404, statusDescription: 'Entity not found', errorCondition: 'com.microsoft:entity-not-found' };
  const operation = String(request.application_properties?.operation ?? '');
  const handler = OPERATIONS[operation];
  if (!handler) return { statusCode: 501, statusDescription: `${operation} is not implemented by the test broker`, errorCondition: 'amqp:not-implemented' };
  return handler(queue, (request.body ?? {}) as Body);
}

function dispositionToSettlement(body: Body): Settlement {
  switch (body['disposition-status']) {
    case 'completed':
      return { kind: 'complete' };
    case 'abandoned':
      return { kind: 'abandon' };
    case 'defered':
      return { kind: 'defer' };
    default:
      return {
        kind: 'dead-letter',
        reason: body['deadletter-reason'] as string | undefined,
        description: body['deadletter-description'] as string | undefined,
      };
  }
}

function lockTokens(body: Body): string[] {
  return ((body['lock-tokens'] ?? []) as Buffer[]).map((bytes) => rhea.uuid_to_string(bytes));
}

/** rhea decodes AMQP longs that fit in 53 bits as numbers and larger ones as 8-byte buffers. */
function toNumber(value: unknown): number {
  if (Buffer.isBuffer(value)) return Number(value.readBigInt64BE());
  return Number(value);
}

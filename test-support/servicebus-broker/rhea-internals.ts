import rhea, { type AmqpError, type Connection, type ConnectionOptions, type Container, type Message, type Receiver, type Sender } from 'rhea';
import type { Socket } from 'node:net';

/**
 * The few rhea internals and untyped helpers a broker needs and its typings leave out: links that a peer opens are
 * created by rhea with default attach fields, so the broker echoes the peer's settle modes into
 * its own attach frame, and it reads the live link credit to pace deliveries.
 */
interface AttachFields {
  snd_settle_mode: number;
  rcv_settle_mode: number;
  max_message_size?: number;
}

interface LinkInternals {
  credit: number;
  local: { attach: AttachFields };
  remote: { attach?: AttachFields };
}

export function linkCredit(sender: Sender): number {
  return (sender as unknown as LinkInternals).credit;
}

export function remoteAttach(link: Sender | Receiver): AttachFields {
  return (link as unknown as LinkInternals).remote.attach ?? { snd_settle_mode: 0, rcv_settle_mode: 0 };
}

export function setLocalAttach(link: Sender | Receiver, fields: Partial<AttachFields>): void {
  Object.assign((link as unknown as LinkInternals).local.attach, fields);
}

/**
 * A server-side connection on a socket the broker accepted itself (rhea's own `listen` wants to
 * own the server). `linkDefaults` are link options, which rhea also looks up on the connection
 * for links the peer opens.
 */
export function acceptConnection(container: Container, socket: Socket, linkDefaults: Record<string, unknown>): Connection {
  const connection = container.create_connection(linkDefaults as unknown as ConnectionOptions);
  (connection as unknown as { accept(socket: Socket): void }).accept(socket);
  return connection;
}

/** A `rejected` delivery state carrying an error, for a disposition frame. */
export function rejectedOutcome(error: AmqpError): unknown {
  const outcomes = rhea.message as unknown as { rejected(fields: { error: AmqpError }): { described(): unknown } };
  return outcomes.rejected({ error }).described();
}

/** rhea's typings give decode() a message type of their own, narrower than the one events carry. */
export function decodeMessage(bytes: Buffer): Message {
  return rhea.message.decode(bytes) as unknown as Message;
}

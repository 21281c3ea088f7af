import { createHmac, randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { startBroker } from '../../../../test-support/servicebus-broker/index.ts';
import { DirectWakeupBus } from '../../src/adapters/direct/direct-wakeup-bus.ts';
import { parsePeerAddress } from '../../src/adapters/direct/peer-links.ts';
import { encodeFrame, FrameError, FrameReader, MAX_FRAME_BYTES } from '../../src/adapters/direct/wakeup-frames.ts';
import { InProcessBus } from '../../src/adapters/memory/in-process-bus.ts';
import { ServiceBusEventBus } from '../../src/adapters/servicebus/service-bus-event-bus.ts';
import { systemClock } from '../../src/clock.ts';
import type { EventEnvelope } from '../../src/ports/event-bus.ts';
import { Inbox, newEvent } from '../contract/event-bus.contract.ts';

const SECRET = 'a shared secret of more than thirty-two characters';
const KEY = Buffer.from(SECRET);
const wakeUp = () => newEvent('sdp.posted', { room: randomUUID(), type: 'offer', from: randomUUID(), to: randomUUID() });

const opened: DirectWakeupBus[] = [];
afterEach(async () => {
  for (const bus of opened.splice(0)) await bus.close();
});

async function startBus(options: { port?: number; broadcasts?: ServiceBusEventBus; secrets?: string[] } = {}) {
  const rejected: string[] = [];
  const bus = await DirectWakeupBus.start({
    broadcasts: options.broadcasts ?? new InProcessBus(),
    port: options.port ?? 0,
    listenHost: '127.0.0.1',
    advertiseHost: '127.0.0.1',
    secrets: options.secrets ?? [SECRET],
    clock: systemClock,
    connectTimeoutMs: 1_000,
    onRejected: (reason) => rejected.push(reason),
  });
  opened.push(bus);
  const inbox = new Inbox();
  bus.subscribe(inbox.handler);
  return { bus, inbox, rejected, port: Number(bus.address.split(':').at(-1)) };
}

/** A raw TCP client to a listener: what a stranger on the pod network could send. */
async function rawClient(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('error', () => {});
  return { socket, closed: new Promise((resolve) => socket.once('close', () => resolve())) };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

test('frames are read whole however the stream is cut: byte by byte, or several in one chunk', () => {
  const events = [wakeUp(), wakeUp(), wakeUp()];
  const stream = Buffer.concat(events.map((event) => encodeFrame(event, KEY)));
  const decode = (payloads: Buffer[]) => payloads.map((payload) => (JSON.parse(payload.toString()) as EventEnvelope).id);
  const byteByByte = new FrameReader([KEY]);
  const ids: string[] = [];
  for (let i = 0; i < stream.length; i += 1) ids.push(...decode(byteByByte.push(stream.subarray(i, i + 1))));
  expect(ids).toEqual(events.map((event) => event.id));
  expect(decode(new FrameReader([KEY]).push(stream))).toEqual(events.map((event) => event.id));
});

test('a frame under another key, or announcing more than the bound, is refused before it is read', () => {
  expect(() => new FrameReader([KEY]).push(encodeFrame(wakeUp(), Buffer.from('another key')))).toThrow(FrameError);
  const huge = Buffer.alloc(4);
  huge.writeUInt32BE(MAX_FRAME_BYTES + 1);
  expect(() => new FrameReader([KEY]).push(huge)).toThrow('frame of');
});

test('rotation: a replica accepts every listed secret and signs with the first; one that lists only the old refuses the new', async () => {
  const NEW = 'the next shared secret, also over thirty-two characters';
  const rotating = await startBus({ secrets: [NEW, SECRET] });
  const old = await startBus({ secrets: [SECRET] });
  const fromOld = wakeUp();
  expect(await old.bus.send(rotating.bus.address, fromOld)).toBe('sent');
  await rotating.inbox.waitFor(fromOld.id);
  const fromRotating = wakeUp();
  expect(await rotating.bus.send(old.bus.address, fromRotating)).toBe('sent');
  await until(() => old.rejected.length > 0);
  expect(old.rejected).toEqual(['frame with a wrong MAC']);
  expect(old.inbox.ids()).toEqual([]);
});

test('a connection that sends a forged frame is closed and reported; a peer on its own connection is still heard', async () => {
  const target = await startBus();
  const stranger = await rawClient(target.port);
  const forged = wakeUp();
  stranger.socket.write(encodeFrame(forged, Buffer.from('a guessed secret of more than thirty-two characters')));
  await stranger.closed;
  expect(target.rejected).toEqual(['frame with a wrong MAC']);

  const peer = await startBus();
  const genuine = wakeUp();
  expect(await peer.bus.send(target.bus.address, genuine)).toBe('sent');
  await target.inbox.waitFor(genuine.id);
  expect(target.inbox.ids()).toEqual([genuine.id]);
});

test('an authenticated frame that is no valid envelope, or was published more than a minute away, is skipped and the connection kept', async () => {
  const target = await startBus();
  const client = await rawClient(target.port);
  // Authentic but not JSON: what a peer with a bug would send.
  const payload = (body: string) => {
    const text = Buffer.from(body);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(32 + text.length);
    return Buffer.concat([length, createHmac('sha256', KEY).update(text).digest(), text]);
  };
  client.socket.write(payload('not json'));
  client.socket.write(encodeFrame({ ...wakeUp(), kind: 'sdp.nonsense' } as unknown as EventEnvelope, KEY));
  client.socket.write(encodeFrame({ ...wakeUp(), publishedAt: Date.now() - 120_000 }, KEY));
  const fresh = wakeUp();
  client.socket.write(encodeFrame(fresh, KEY));
  await target.inbox.waitFor(fresh.id);
  expect(target.inbox.ids()).toEqual([fresh.id]);
  expect(target.rejected).toEqual(['payload is not JSON', 'unknown kind sdp.nonsense', 'published more than a minute away from now']);
  expect(client.socket.destroyed).toBe(false);
  client.socket.destroy();
});

test('a replica that is not listening is gone; once one listens at that address the next wake-up reaches it', async () => {
  const sender = await startBus();
  const port = await freePort();
  expect(await sender.bus.send(`127.0.0.1:${port}`, wakeUp())).toBe('gone');
  const target = await startBus({ port });
  const event = wakeUp();
  expect(await sender.bus.send(target.bus.address, event)).toBe('sent');
  await target.inbox.waitFor(event.id);
});

test('a replica that stops is gone for the wake-ups after it, and a restarted one at the same address is reached again', async () => {
  const sender = await startBus();
  const target = await startBus();
  const first = wakeUp();
  expect(await sender.bus.send(target.bus.address, first)).toBe('sent');
  await target.inbox.waitFor(first.id);
  const { address, port } = { address: target.bus.address, port: target.port };
  await target.bus.close();
  await until(async () => (await sender.bus.send(address, wakeUp())) === 'gone');
  const restarted = await startBus({ port });
  const again = wakeUp();
  expect(await sender.bus.send(address, again)).toBe('sent');
  await restarted.inbox.waitFor(again.id);
});

test('addresses: host:port and [IPv6]:port are peers; inbox names and ports out of range are not', () => {
  expect(parsePeerAddress('10.244.1.17:8081')).toEqual({ host: '10.244.1.17', port: 8081 });
  expect(parsePeerAddress('[fd00::1]:8081')).toEqual({ host: 'fd00::1', port: 8081 });
  expect(parsePeerAddress('signaling-7c9f-abc.local:1')).toEqual({ host: 'signaling-7c9f-abc.local', port: 1 });
  for (const address of ['signaling-0-1a2b3c4d', '10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', 'a b:80', '10.0.0.1:80/x', ':80']) {
    expect(parsePeerAddress(address)).toBeUndefined();
  }
});

test('beside replicas still on Service Bus wake-ups: a send to an inbox name goes through the broker', async () => {
  const broker = await startBroker({ entities: { 'signal-events': [] } });
  const quiet = { info() {}, warn() {}, error() {} };
  const start = (inbox: boolean) => ServiceBusEventBus.start({ connectionString: broker.connectionString, replicaName: `signaling-${randomUUID().slice(0, 8)}`, inbox, logger: quiet });
  const onBroker = await start(true);
  try {
    const received = new Inbox();
    onBroker.subscribe(received.handler);
    const direct = await startBus({ broadcasts: await start(false) });
    const event = wakeUp();
    expect(await direct.bus.send(onBroker.address!, event)).toBe('sent');
    await received.waitFor(event.id);
    expect(direct.inbox.ids()).toEqual([]);
  } finally {
    await Promise.all(opened.splice(0).map((bus) => bus.close()));
    await onBroker.close();
    await broker.stop();
  }
});

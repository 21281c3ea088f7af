/**
 * A wake-up request captured on the pod network and sent again, to the replica it was meant for
 * or to any other, delivers nothing: the replica that took it remembers its nonce, another
 * replica (or a later process on the same IP and port) is not its recipient, and once its
 * timestamp is old it is stale anyway. And what a delivered hint can do at most is make the
 * replica read the slot: after POST /expire the store has nothing, so no long-poll is answered.
 */
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { request } from 'undici';
import { peerId, roomId } from '@signal/common/api/ids';
import { systemClock } from '@signal/common/clock';
import { MemorySdpStore } from '../../services/signaling/src/store/memory-sdp-store.ts';
import { exchangeReplicas, type ExchangeReplica } from '../../test-support/replicas/exchange-replicas.ts';
import { HttpWakeups } from '../../services/signaling/src/wakeups/http/http-wakeups.ts';
import { parseAddress } from '../../services/signaling/src/wakeups/http/wakeup-address.ts';
import type { WakeupHint } from '../../services/signaling/src/wakeups/wakeups.ts';
import { newHint } from '../../services/signaling/test/wakeups/wakeups.contract.ts';

const SECRET = 'the cluster wake-up secret of more than thirty-two characters';

interface Captured {
  headers: Record<string, string>;
  body: Buffer;
}

interface Replica {
  wakeups: HttpWakeups;
  got: WakeupHint[];
  refused: string[];
}

const replicas: Replica[] = [];
async function startReplica(port = 0): Promise<Replica> {
  const got: WakeupHint[] = [];
  const refused: string[] = [];
  const wakeups = await HttpWakeups.start({ port, listenHost: '127.0.0.1', advertiseHost: '127.0.0.1', secrets: [SECRET], clock: systemClock, onRefused: (reason) => refused.push(reason) });
  wakeups.onWake((hint) => void got.push(hint));
  const replica = { wakeups, got, refused };
  replicas.push(replica);
  return replica;
}
afterEach(async () => {
  for (const { wakeups } of replicas.splice(0)) await wakeups.close();
});

/** Records every request the undici client sends, as a capture of the wire would, until `stop`. */
function capture(): { captured: Captured[]; stop: () => void } {
  const captured: Captured[] = [];
  const channel = diagnostics.channel('undici:request:create');
  const record = (message: unknown) => {
    const { request: sent } = message as { request: { headers: string[]; body: Buffer } };
    const headers: Record<string, string> = {};
    for (let i = 0; i < sent.headers.length; i += 2) headers[sent.headers[i]!.toLowerCase()] = sent.headers[i + 1]!;
    captured.push({ headers, body: Buffer.from(sent.body) });
  };
  channel.subscribe(record);
  return { captured, stop: () => channel.unsubscribe(record) };
}

async function replay(captured: Captured, to: Replica): Promise<number> {
  const response = await request(`http://127.0.0.1:${parseAddress(to.wakeups.address)!.port}/wakeups`, { method: 'POST', headers: captured.headers, body: captured.body });
  await response.body.dump();
  return response.statusCode;
}

test('a captured wake-up replayed to its replica, to another, or to a new process on the same port delivers nothing', async () => {
  const [sender, meant, other] = [await startReplica(), await startReplica(), await startReplica()];
  const hint = newHint();
  const wire = capture();
  await sender.wakeups.wake([meant.wakeups.address], hint);
  wire.stop();
  const [captured] = wire.captured;
  expect(meant.got).toEqual([hint]);

  expect(await replay(captured!, meant)).toBe(401);
  expect(await replay(captured!, other)).toBe(421);
  const port = parseAddress(meant.wakeups.address)!.port;
  await meant.wakeups.close();
  const restarted = await startReplica(port);
  expect(await replay(captured!, restarted)).toBe(421);

  expect(meant.got).toEqual([hint]);
  expect(other.got).toEqual([]);
  expect(restarted.got).toEqual([]);
  expect([...meant.refused, ...other.refused, ...restarted.refused]).toEqual(['replay', 'recipient', 'recipient']);
});

test('after POST /expire, neither a replayed wake-up nor the same hint re-sent answers a long-poll: the store does', async () => {
  const [a, b, c] = [await startReplica(), await startReplica(), await startReplica()];
  const sdps = new MemorySdpStore(systemClock);
  const [writer, waiter, other] = exchangeReplicas(sdps, [a.wakeups, b.wakeups, c.wakeups]) as [ExchangeReplica, ExchangeReplica, ExchangeReplica];
  const room = { uuid: roomId(randomUUID()), shortname: 'replayed' };
  const [alice, bob] = [peerId(randomUUID()), peerId(randomUUID())];
  const longPoll = (replica: ExchangeReplica, waitSeconds: number) =>
    replica.exchange.read('offer', bob, { signalId: alice, room, waitSeconds }, new AbortController().signal);
  const parked = () => new Promise((resolve) => setTimeout(resolve, 200));
  try {
    const first = longPoll(waiter, 5);
    await parked();
    const wire = capture();
    await writer.exchange.submit('offer', alice, { to: bob, sdp: 'v=0 the offer later expired', room });
    expect((await first)?.sdp).toBe('v=0 the offer later expired');
    wire.stop();
    const [captured] = wire.captured;
    expect(captured).toBeDefined();

    await writer.exchange.expire(alice, { source: alice, destination: bob, type: 'offer', room });
    const [again, elsewhere] = [longPoll(waiter, 2), longPoll(other, 2)];
    await parked();
    expect(await replay(captured!, b)).toBe(401);
    expect(await replay(captured!, c)).toBe(421);
    // A holder of the secret sending the very hint again: delivered, and the replicas read the slot.
    const [hint] = (JSON.parse(captured!.body.toString()) as { hints: WakeupHint[] }).hints;
    await a.wakeups.wake([b.wakeups.address, c.wakeups.address], hint!);
    expect(b.got).toEqual([hint, hint]);
    expect(await again).toBeUndefined();
    expect(await elsewhere).toBeUndefined();
  } finally {
    for (const replica of [writer, waiter, other]) await replica.exchange.close();
    await sdps.close();
  }
});

/**
 * A wake-up request captured on the pod network and sent again, to the replica it was meant for
 * or to any other, delivers nothing: the replica that took it remembers its nonce, another
 * replica (or a later process on the same IP and port) is not its recipient, and once its
 * timestamp is old it is stale anyway. What a delivered hint can do at most is make the replica
 * read the slot, and the store answers (see the exchange's tests).
 */
import diagnostics from 'node:diagnostics_channel';
import { request } from 'undici';
import { systemClock } from '@signal/common/clock';
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

/** Records every request the undici client sends, as a capture of the wire would. */
async function capturing(send: () => Promise<void>): Promise<Captured[]> {
  const captured: Captured[] = [];
  const channel = diagnostics.channel('undici:request:create');
  const record = (message: unknown) => {
    const { request: sent } = message as { request: { headers: string[]; body: Buffer } };
    const headers: Record<string, string> = {};
    for (let i = 0; i < sent.headers.length; i += 2) headers[sent.headers[i]!.toLowerCase()] = sent.headers[i + 1]!;
    captured.push({ headers, body: Buffer.from(sent.body) });
  };
  channel.subscribe(record);
  try {
    await send();
  } finally {
    channel.unsubscribe(record);
  }
  return captured;
}

async function replay(captured: Captured, to: Replica): Promise<number> {
  const response = await request(`http://127.0.0.1:${parseAddress(to.wakeups.address)!.port}/wakeups`, { method: 'POST', headers: captured.headers, body: captured.body });
  await response.body.dump();
  return response.statusCode;
}

test('a captured wake-up replayed to its replica, to another, or to a new process on the same port delivers nothing', async () => {
  const [sender, meant, other] = [await startReplica(), await startReplica(), await startReplica()];
  const hint = newHint();
  const [captured] = await capturing(() => sender.wakeups.wake([meant.wakeups.address], hint));
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

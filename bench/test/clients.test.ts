// The harness's clients against the real baseline servers: if these fail, every figure would be wrong.
import { Pool } from 'undici';
import { SignalHttpApi } from '../clients/http-api.ts';
import { freshRoom, longPollHandshake, pollingHandshake } from '../clients/http-handshake.ts';
import { PeerJsPeer } from '../clients/peerjs.ts';
import { holdLongPolls } from '../cases/idle-memory.ts';
import { openLoop } from '../lib/load.ts';
import { startServer, type ServerProcess } from '../lib/server-process.ts';
import { FLOOR, floorLogin, PEERJS } from '../systems.ts';

let floor: ServerProcess;
let peerjs: ServerProcess;
let pool: Pool;

beforeAll(async () => {
  [floor, peerjs] = await Promise.all([startServer(FLOOR), startServer(PEERJS)]);
  pool = new Pool(floor.origin, { connections: 16 });
}, 30_000);

afterAll(async () => {
  await pool.close();
  await Promise.all([floor.stop(), peerjs.stop()]);
});

test('a long-poll handshake needs the offer posted before the callee is answered', async () => {
  const [caller, callee] = [await floorLogin(pool, 'a'), await floorLogin(pool, 'b')];
  const api = new SignalHttpApi(pool);
  await longPollHandshake(api, 5)(caller, callee);
  // Nothing was posted in a fresh room: the same long-poll times out with 204, reported as false.
  await expect(api.getSdp(callee, 'offer', caller.uuid, freshRoom(), 0.2)).resolves.toBe(false);
});

test('a polling handshake completes after at least one interval', async () => {
  const [caller, callee] = [await floorLogin(pool, 'a'), await floorLogin(pool, 'b')];
  const started = Date.now();
  // The callee's first poll late in the interval: the caller's first look for the answer comes
  // before it, so the answer can only be found one interval later. (With a random phase near 0
  // the callee could answer before the caller's first look, and the handshake take one round trip.)
  await pollingHandshake(new SignalHttpApi(pool), 100, 5000, () => 0.5)(caller, callee);
  expect(Date.now() - started).toBeGreaterThanOrEqual(100);
});

test('open-loop arrivals run every task once and time each from when it was due', async () => {
  const seen = new Set<number>();
  const round = await openLoop({ ratePerSecond: 100, durationSeconds: 0.3, drainSeconds: 1, task: async (i) => void seen.add(i) });
  expect([round.completed, round.errors, seen.size]).toEqual([30, 0, 30]);
  const failing = await openLoop({ ratePerSecond: 100, durationSeconds: 0.1, drainSeconds: 1, task: () => Promise.reject(new Error('boom')) });
  expect([failing.completed, failing.errors, failing.firstError]).toEqual([0, 10, 'boom']);
});

test('PeerJS relays an offer and the answer between two WebSocket peers', async () => {
  const [caller, callee] = await Promise.all([PeerJsPeer.connect(peerjs.origin), PeerJsPeer.connect(peerjs.origin)]);
  try {
    await caller.handshake(callee.id, 5000);
    await expect(caller.handshake('nobody-here', 200)).rejects.toThrow('did not arrive');
  } finally {
    await Promise.all([caller.close(), callee.close()]);
  }
});

test('idle long-polls are held open and cost the server memory', async () => {
  // ~16 KB each on the floor: 1,000 of them grow RSS well past allocator slack.
  const round = await holdLongPolls(floor, floorLogin, 1000, 30, false);
  expect(round.holds).toBe(1000);
  expect(round.rssDeltaBytes).toBeGreaterThan(0);
}, 20_000);

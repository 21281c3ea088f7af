/**
 * Forged requests to a replica's wake-up port are each counted, but logged as a summary: a
 * flood of them costs the log a line now and then, never a line each.
 */
import { connect } from 'node:net';
import { forgedHead } from './support/wakeup-attackers.ts';
import { startWakeupReplica, type WakeupReplicaProcess } from './support/wakeup-replica-process.ts';

const FORGED = 2_000;
const AT_ONCE = 50;
/** RefusalReport's period, plus time for the line to arrive. */
const SUMMARY_WAIT_MS = 12_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let replica: WakeupReplicaProcess;
beforeAll(async () => {
  replica = await startWakeupReplica();
});
afterAll(() => replica.stop());

/** One forged request on its own connection; resolves once the replica answered it. */
function forgedRequest(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => resolve());
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
    socket.write(`${forgedHead(12)}{"hints":[]}`);
  });
}

const refusalLines = () => replica.logs.filter((line) => line.msg === 'wake-up requests refused');

test(`${FORGED} forged requests are all counted and logged in at most two lines`, async () => {
  const started = Date.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (sent < FORGED) {
        sent += 1;
        await forgedRequest(replica.port);
      }
    }),
  );
  expect(await replica.ask<{ refused: number }>('refused')).toEqual({ refused: FORGED });
  const floodMs = Date.now() - started;

  while (refusalLines().reduce((sum, line) => sum + (line.refused as number), 0) < FORGED && Date.now() - started < floodMs + SUMMARY_WAIT_MS) await sleep(100);
  const lines = refusalLines();
  console.log(`${FORGED} forged requests in ${floodMs} ms: ${lines.length} log lines (${lines.map((line) => line.refused).join(' + ')})`);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(lines.reduce((sum, line) => sum + (line.refused as number), 0)).toBe(FORGED);
  expect(lines.at(-1)).toMatchObject({ level: 40, byStatus: { '401 mac': expect.any(Number) }, topClients: [{ client: '127.0.0.1' }] });
}, 60_000);

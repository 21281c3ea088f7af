/**
 * SIGTERM on a real all-in-one process (STORE=cosmos on the local Cosmos test server) in the
 * middle of traffic: it stops accepting connections, reports not-ready to a probe already on
 * its way, answers waiting long-polls with 204, lets an in-flight POST finish, and exits 0 well
 * within the grace period; the accepted write is there for the next process.
 */
import { randomUUID } from 'node:crypto';
import type { ChildService } from '../../test-support/signal/child-service.ts';
import { get, login, ROOM, sdpQuery, sdpText } from '../../test-support/signal/harness.ts';
import { openConnection } from '../security/support/raw-http.ts';
import { cosmosReplicas, type CosmosReplicas } from './support/cosmos-replicas.ts';

/** Helm's terminationGracePeriodSeconds must exceed this; the drain itself should take far less. */
const GRACE_MS = 10_000;

let replicas: CosmosReplicas;
beforeAll(async () => {
  replicas = await cosmosReplicas();
});
afterAll(() => replicas.dispose());

async function waiters(child: ChildService): Promise<number> {
  const text = await (await fetch(`${child.url}/metrics`)).text();
  return Number(/^signal_longpoll_waiters(?:\{[^}]*\})? (\d+)$/m.exec(text)?.[1] ?? 0);
}

test('drain: not ready, long-polls answered, in-flight POST completes, no new connections, exit 0; the write survives', async () => {
  const signal = await replicas.start();
  const [alice, bob] = [await login(signal.url), await login(signal.url)];

  // A long-poll that nothing will answer before the shutdown does.
  const longPoll = get(signal.url, `/offer?${sdpQuery(randomUUID(), { wait: '20' })}`, bob.cookie);
  const until = Date.now() + 5000;
  while ((await waiters(signal)) < 1 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await waiters(signal)).toBe(1);

  // An upload in progress: headers in (the interim 100 Continue proves the server holds the
  // request), half the body still to come.
  const body = Buffer.from(JSON.stringify({ to: bob.uuid, sdp: sdpText('sent across a shutdown'), room: ROOM }));
  const upload = await openConnection(signal.port, GRACE_MS);
  upload.send(`POST /offer HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${alice.cookie}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
  await upload.received('100 Continue');
  upload.send(body.subarray(0, 40));

  // A readiness probe whose request line is on the wire but not finished yet.
  const probe = await openConnection(signal.port, GRACE_MS);
  probe.send('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');

  const sigterm = performance.now();
  const exited = signal.stop();

  const answered = await longPoll;
  expect(answered.status).toBe(204);
  await expect(fetch(`${signal.url}/healthz`)).rejects.toThrow();

  probe.send('\r\n');
  const readiness = await probe.answer;
  expect({ status: readiness.status, body: JSON.parse(readiness.body.toString()) }).toEqual({ status: 503, body: { body: 'Not ready: shutting down' } });
  expect(readiness.headers.connection).toBe('close');

  upload.send(body.subarray(40));
  const accepted = await upload.answer;
  expect({ status: accepted.status, body: JSON.parse(accepted.body.toString()) }).toEqual({ status: 200, body: { body: true } });

  expect(await exited).toBe(0);
  expect(performance.now() - sigterm).toBeLessThan(GRACE_MS);
  expect(signal.logs.some((line) => line.msg === 'shutting down' && line.signal === 'SIGTERM')).toBe(true);

  // No accepted write lost: the next process reads it from Cosmos, and the sessions too.
  const next = await replicas.start();
  const offer = await get(next.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie);
  expect(offer.status).toBe(200);
  expect(await offer.json()).toEqual({ from: alice.uuid, sdp: sdpText('sent across a shutdown') });
  expect(await next.stop()).toBe(0);
}, 60_000);

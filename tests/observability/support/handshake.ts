/**
 * Drives every endpoint of a running Signal over HTTP the way two browsers and a careless third
 * client would, so that each metric the dashboard and alerts read has moved: logins (good and
 * bad), ICE servers, offer, answer woken from a long-poll, expire, logout, and an unmatched path.
 */
import { expect } from '@jest/globals';
import { get, login, post, ROOM, sdpQuery, sdpText } from '../../../test-support/signal/harness.ts';

/** Long enough never to end on its own in a test; the answer wakes it long before. */
const LONG_POLL_SECONDS = '20';

export async function scrape(base: string): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Value of an unlabelled or single-series gauge line in a scrape, summed over its series. */
function gaugeTotal(exposition: string, name: string): number {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Polls /metrics until `name` reads `value`; the server's own gauge says when a long-poll is parked. */
export async function untilGauge(base: string, name: string, value: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (gaugeTotal(await scrape(base), name) !== value) {
    if (Date.now() > deadline) throw new Error(`${name} did not reach ${value} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function fullHandshake(base: string): Promise<void> {
  const alice = await login(base);
  const bob = await login(base);
  expect((await fetch(`${base}/login`, { headers: { authorization: 'Bearer not-a-jwt' } })).status).toBe(401);

  expect((await get(base, '/ice_servers', alice.cookie)).status).toBe(200);
  expect((await post(base, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('offer'), room: ROOM })).status).toBe(200);
  expect((await get(base, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(200);

  const answer = get(base, `/answer?${sdpQuery(bob.uuid, { wait: LONG_POLL_SECONDS })}`, alice.cookie);
  await untilGauge(base, 'signal_longpoll_waiters', 1, 5_000);
  expect((await post(base, '/answer', bob.cookie, { to: alice.uuid, sdp: sdpText('answer'), room: ROOM })).status).toBe(200);
  expect((await answer).status).toBe(200);

  const expire = { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM };
  expect((await post(base, '/expire', alice.cookie, expire)).status).toBe(200);
  expect((await get(base, '/logout', alice.cookie)).status).toBe(200);
  expect((await get(base, '/logout', bob.cookie)).status).toBe(200);
  expect((await get(base, '/no-such-path')).status).toBe(404);
}

/**
 * Concurrent peer pairs running full handshakes against a Signal server until a deadline. Each
 * pair is two users for the whole run, as real users call again and again: state Signal keeps per
 * user for a window (SLI caps, byte budgets, offer histories) then stays at its steady size, and
 * what grows is what each handshake leaves behind. Each cycle logs the two in (fresh sessions),
 * trades offer and answer through long-polls, expires both and logs out; every few cycles a pair also leaves a long-poll to time out and abandons another mid-wait,
 * so each way a waiter can end is exercised. Any unexpected answer is recorded, not thrown.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { ROOM, sdpQuery, sdpText, tokenFor } from '../../../test-support/signal/harness.ts';

export interface LoadResult {
  handshakes: number;
  requests: number;
  errors: string[];
}

interface Peer {
  cookie: string;
  uuid: string;
}

export async function runHandshakes(baseUrl: string, pairs: number, durationMs: number): Promise<LoadResult> {
  // A pool of its own, closed at the end: the server's socket count then falls back by itself.
  const agent = new Agent({ connections: pairs * 4, keepAliveTimeout: 5000 });
  const result: LoadResult = { handshakes: 0, requests: 0, errors: [] };
  const deadline = Date.now() + durationMs;

  const call = async (method: 'GET' | 'POST', path: string, peer: Peer | undefined, body?: unknown, signal?: AbortSignal) => {
    result.requests += 1;
    const res = await request(`${baseUrl}${path}`, {
      method,
      dispatcher: agent,
      headers: { ...(peer ? { cookie: peer.cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text, setCookie: res.headers['set-cookie'] };
  };
  const expectStatus = (what: string, got: { status: number; text: string }, want: number) => {
    if (got.status !== want) result.errors.push(`${what}: ${got.status} ${got.text.slice(0, 120)}`);
  };

  const loginPeer = async (uuid: string): Promise<Peer> => {
    result.requests += 1;
    const res = await request(`${baseUrl}/login`, { dispatcher: agent, headers: { authorization: `Bearer ${tokenFor({ uuid })}` } });
    await res.body.text();
    const setCookie = [res.headers['set-cookie'] ?? []].flat().join(';');
    const cookie = /sess[0-9a-f]{8}=[^;]+/.exec(setCookie)?.[0];
    if (res.statusCode !== 200 || cookie === undefined) throw new Error(`login: ${res.statusCode}`);
    return { cookie, uuid };
  };

  const exchange = async (type: 'offer' | 'answer', from: Peer, to: Peer) => {
    const waiting = call('GET', `/${type}?${sdpQuery(from.uuid, { wait: '10' })}`, to);
    expectStatus(`POST /${type}`, await call('POST', `/${type}`, from, { to: to.uuid, sdp: sdpText(type), room: ROOM }), 200);
    const got = await waiting;
    expectStatus(`GET /${type}`, got, 200);
    if (got.status === 200 && JSON.parse(got.text).from !== from.uuid) result.errors.push(`GET /${type}: wrong sender`);
  };

  const pair = async (index: number) => {
    const users = [randomUUID(), randomUUID()] as const;
    for (let cycle = 0; Date.now() < deadline; cycle += 1) {
      try {
        const [alice, bob] = [await loginPeer(users[0]), await loginPeer(users[1])];
        const sideTraffic: Promise<unknown>[] = [];
        if ((cycle + index) % 5 === 0) {
          sideTraffic.push(call('GET', `/offer?${sdpQuery(randomUUID(), { wait: '1' })}`, alice).then((res) => expectStatus('timed-out long-poll', res, 204)));
        }
        if ((cycle + index) % 5 === 2) {
          const leave = new AbortController();
          sideTraffic.push(call('GET', `/answer?${sdpQuery(randomUUID(), { wait: '10' })}`, bob, undefined, leave.signal).then(
            (res) => result.errors.push(`abandoned long-poll answered ${res.status}`),
            () => undefined,
          ));
          setTimeout(() => leave.abort(), 50);
        }
        await exchange('offer', alice, bob);
        await exchange('answer', bob, alice);
        for (const type of ['offer', 'answer']) {
          expectStatus('POST /expire', await call('POST', '/expire', alice, { source: alice.uuid, type, destination: bob.uuid, room: ROOM }), 200);
        }
        await Promise.all(sideTraffic);
        for (const peer of [alice, bob]) expectStatus('GET /logout', await call('GET', '/logout', peer), 200);
        result.handshakes += 1;
      } catch (error) {
        result.errors.push(String(error));
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: pairs }, (_, index) => pair(index)));
  } finally {
    await agent.close();
  }
  return result;
}

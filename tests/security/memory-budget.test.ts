/**
 * The in-memory store (STORE=memory) has a byte budget, MEMORY_STORE_MAX_MB: 64 KB SDPs posted to
 * random peers, and logins, fill it up to the budget and no further. Past it writes are 503
 * `{"body":"Storage full"}` with Retry-After, what was accepted stays readable until its own
 * expiry, the metrics show use against the budget, and expired data makes room again.
 */
import { randomUUID } from 'node:crypto';
import type { ManualClock } from '@signal/common/clock';
import { get, login, post, ROOM, sdpQuery, tokenFor } from '../../test-support/signal/harness.ts';
import { withSignal } from './support/with-signal.ts';

const SDP = `v=0\r\n${'a'.repeat(60_000)}`;

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
}

test('past MEMORY_STORE_MAX_MB writes are 503 Storage full; nothing accepted is evicted; the metric shows use against the budget; expiry makes room', async () => {
  await withSignal({ MEMORY_STORE_MAX_MB: '2', MEMORY_STORE_USER_SHARE_PERCENT: '100', SDP_TTL_SECONDS: '60' }, async (signal) => {
    const sender = await login(signal.url);
    const accepted: string[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 200 && refused === undefined; i += 1) {
      const to = randomUUID();
      const res = await post(signal.url, '/offer', sender.cookie, { to, sdp: SDP, room: ROOM });
      if (res.status === 200) accepted.push(to);
      else refused = res;
    }
    // 2 MiB holds at most 34 SDPs of 60 KB (fewer: the sender's session and each slot cost a little), not two hundred.
    expect(accepted.length).toBeGreaterThanOrEqual(30);
    expect(accepted.length).toBeLessThanOrEqual(Math.floor((2 * 1024 * 1024) / SDP.length));
    expect(refused?.status).toBe(503);
    expect(await refused?.json()).toEqual({ body: 'Storage full' });
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Logins need room too: they fill what an SDP no longer fits in, then are refused in the envelope, with no cookie.
    let loginRefused: Response | undefined;
    for (let i = 0; i < 5000 && loginRefused === undefined; i += 1) {
      const res = await fetch(`${signal.url}/login`, { headers: { authorization: `Bearer ${tokenFor()}` } });
      if (res.status !== 200) loginRefused = res;
    }
    expect({ status: loginRefused?.status, body: await loginRefused?.json(), cookie: loginRefused?.headers.get('set-cookie') }).toEqual({ status: 503, body: { body: 'Storage full' }, cookie: null });

    const budget = await gauge(signal.url, 'signal_memory_store_budget_bytes');
    const used = await gauge(signal.url, 'signal_memory_store_bytes');
    expect(budget).toBe(2 * 1024 * 1024);
    expect(used).toBeGreaterThan(0.99 * budget);
    expect(used).toBeLessThanOrEqual(budget);

    // Once the SDPs expire their bytes are given back and writes are accepted again.
    (signal.clock as ManualClock).advance(61_000);
    expect((await post(signal.url, '/offer', sender.cookie, { to: randomUUID(), sdp: SDP, room: ROOM })).status).toBe(200);
    expect(await gauge(signal.url, 'signal_memory_store_bytes')).toBeLessThan(0.2 * budget);
  });
});

test('accepted SDPs stay readable while the store is full', async () => {
  await withSignal({ MEMORY_STORE_MAX_MB: '1', MEMORY_STORE_USER_SHARE_PERCENT: '100' }, async (signal) => {
    const [alice, bob] = [await login(signal.url), await login(signal.url)];
    expect((await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: SDP, room: ROOM })).status).toBe(200);
    let status = 200;
    for (let i = 0; i < 100 && status === 200; i += 1) status = (await post(signal.url, '/offer', alice.cookie, { to: randomUUID(), sdp: SDP, room: ROOM })).status;
    expect(status).toBe(503);
    const offer = await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie);
    expect(offer.status).toBe(200);
    expect(((await offer.json()) as { sdp: string }).sdp).toBe(SDP);
  });
});

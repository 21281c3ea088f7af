/**
 * In memory mode one user could fill MEMORY_STORE_MAX_MB with 64 KB SDPs to made-up peers, and then
 * nobody else could log in. Each user now holds at most MEMORY_STORE_USER_SHARE_PERCENT of it:
 * that user's writes get 503 while the others still log in and exchange SDPs.
 */
import { randomUUID } from 'node:crypto';
import { get, login, post, ROOM, sdpQuery, sdpText } from '../../test-support/signal/harness.ts';
import { withSignal } from './support/with-signal.ts';

const SDP = `v=0\r\n${'a'.repeat(60_000)}`;

test("one user's SDP flood is refused at that user's share; 100 other users still log in and hand over an offer", async () => {
  await withSignal({ MEMORY_STORE_MAX_MB: '2' }, async (signal) => {
    const flooder = await login(signal.url);
    let accepted = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 200 && refused === undefined; i += 1) {
      const res = await post(signal.url, '/offer', flooder.cookie, { to: randomUUID(), sdp: SDP, room: ROOM });
      if (res.status === 200) accepted += 1;
      else refused = res;
    }
    // The default share is 5 % of 2 MiB: one 60 KB SDP, not the 30-odd the whole budget holds.
    expect(accepted).toBe(1);
    expect({ status: refused?.status, body: await refused?.json() }).toEqual({ status: 503, body: { body: 'Storage full' } });

    const others = [];
    for (let i = 0; i < 100; i += 1) others.push(await login(signal.url));
    const [alice, bob] = [others[0]!, others[1]!];
    expect((await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('alice'), room: ROOM })).status).toBe(200);
    expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(200);
  });
});


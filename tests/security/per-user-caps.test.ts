/**
 * Sessions cost nothing to make (log in again with the same token), so limits keyed by session
 * are no limits: one user, many logins. Long-polls are counted per user, live sessions per user
 * are capped (the oldest ends), and a user can end every session at once.
 */
import { randomUUID } from 'node:crypto';
import { get, login, sdpQuery, type LoggedIn, type TestSignal } from '../../test-support/signal/harness.ts';
import { withSignal } from './support/with-signal.ts';

/** `count` logins of one person (same subject and peer uuid): `count` sessions. */
async function sessionsOf(signal: TestSignal, count: number): Promise<LoggedIn[]> {
  const person = { sub: `user-${randomUUID()}`, uuid: randomUUID() };
  const sessions: LoggedIn[] = [];
  for (let i = 0; i < count; i += 1) sessions.push(await login(signal.url, person));
  return sessions;
}

const live = async (signal: TestSignal, user: LoggedIn) => (await get(signal.url, '/ice_servers', user.cookie)).status;

test('LONGPOLL_MAX_PER_USER counts long-polls across all of a user’s sessions; other users go on', async () => {
  await withSignal({ LONGPOLL_MAX_PER_USER: '3', LONGPOLL_MAX_SECONDS: '20' }, async (signal) => {
    const mine = await sessionsOf(signal, 6);
    const leave = new AbortController();
    const poll = (user: LoggedIn, abort?: AbortSignal) => get(signal.url, `/offer?${sdpQuery(randomUUID(), { wait: '20' })}`, user.cookie, abort);
    const held = mine.slice(0, 3).map((user) => poll(user, leave.signal).catch(() => 'left'));
    const waiting = () => signal.platform.metrics.longPollWaiters.get().then((m) => m.values[0]?.value ?? 0);
    const deadline = Date.now() + 5000;
    while ((await waiting()) < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const user of mine.slice(3)) {
      const refused = await poll(user);
      expect({ status: refused.status, retryAfter: refused.headers.get('retry-after'), body: await refused.json() }).toEqual({ status: 429, retryAfter: '1', body: { body: 'Too many waiting requests for this user' } });
    }
    const [someoneElse] = await sessionsOf(signal, 1);
    expect((await get(signal.url, `/offer?${sdpQuery(randomUUID(), { wait: '1' })}`, someoneElse!.cookie)).status).toBe(204);
    leave.abort();
    expect(await Promise.all(held)).toEqual(['left', 'left', 'left']);
  });
});
test('SESSION_MAX_PER_USER: a login beyond the cap ends the oldest session of that user only', async () => {
  await withSignal({ SESSION_MAX_PER_USER: '3' }, async (signal) => {
    const [other] = await sessionsOf(signal, 1);
    const mine = await sessionsOf(signal, 5);
    const statuses = [];
    for (const user of mine) statuses.push(await live(signal, user));
    expect(statuses).toEqual([401, 401, 200, 200, 200]);
    expect(await live(signal, other!)).toBe(200);
  });
});

test('GET /logout?all=true ends every session of the user and clears the cookie; plain /logout only the one presented', async () => {
  await withSignal({}, async (signal) => {
    const [other] = await sessionsOf(signal, 1);
    const mine = await sessionsOf(signal, 4);
    const one = await get(signal.url, '/logout', mine[0]!.cookie);
    expect(one.status).toBe(200);
    expect([await live(signal, mine[0]!), await live(signal, mine[1]!)]).toEqual([401, 200]);

    const all = await get(signal.url, '/logout?all=true', mine[1]!.cookie);
    expect(all.status).toBe(200);
    expect(await all.text()).toBe('');
    expect(all.headers.get('set-cookie')).toMatch(/^sess38b9de00=;/);
    for (const user of mine) expect(await live(signal, user)).toBe(401);
    expect(await live(signal, other!)).toBe(200);

    const bad = await get(signal.url, '/logout?all=yes', other!.cookie);
    expect({ status: bad.status, body: await bad.json() }).toEqual({ status: 400, body: { body: 'Invalid all: only all=true is accepted' } });
    expect(await live(signal, other!)).toBe(200);
  });
});

import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/clock.ts';
import type { Session, SessionStore } from '../../src/ports/session-store.ts';
import { MINUTE, type StoreFactory, freshStorePerTest, inParallel } from '../../../../test-support/stores/store-contract-support.ts';

function newSession(clock: Clock, overrides: Partial<Session> = {}): Session {
  return {
    id: randomUUID(),
    uuid: randomUUID(),
    subject: `sub-${randomUUID()}`,
    uid: 'alice@example.com',
    name: 'Alice',
    authSource: { name: 'adapt.example.com', code: 'oidc' },
    createdAt: clock.now(),
    expiresAt: clock.now() + 120 * MINUTE,
    ...overrides,
  };
}

/** What every SessionStore adapter must do; `factory` gets a ManualClock and returns a fresh store. */
export function runSessionStoreContract(name: string, factory: StoreFactory<SessionStore>): void {
  describe(`SessionStore contract: ${name}`, () => {
    const { clock, store } = freshStorePerTest(factory);

    test('get returns exactly the created session, optional fields included or left out', async () => {
      const plain = newSession(clock());
      const audited = newSession(clock(), { adaptUrl: 'https://adapt.example.com/app?x=1' });
      await store().create(plain);
      await store().create(audited);
      expect(await store().get(plain.id)).toStrictEqual(plain);
      expect(await store().get(audited.id)).toStrictEqual(audited);
    });

    test('an id never created reads as undefined', async () => {
      expect(await store().get(randomUUID())).toBeUndefined();
    });

    test('a session is live until just before expiresAt and gone from expiresAt on', async () => {
      const session = newSession(clock(), { expiresAt: clock().now() + 10 * MINUTE });
      await store().create(session);
      clock().advance(10 * MINUTE - 1);
      expect(await store().get(session.id)).toStrictEqual(session);
      clock().advance(1);
      expect(await store().get(session.id)).toBeUndefined();
    });

    test('creating an existing id replaces the session, expiry included', async () => {
      const first = newSession(clock(), { expiresAt: clock().now() + MINUTE });
      const second = { ...newSession(clock()), id: first.id, name: 'Alice Again' };
      await store().create(first);
      await store().create(second);
      clock().advance(2 * MINUTE);
      expect(await store().get(first.id)).toStrictEqual(second);
    });

    test('delete reports whether a live session existed, and repeating it is harmless', async () => {
      const session = newSession(clock());
      await store().create(session);
      expect(await store().delete(session.id, session.uuid)).toBe(true);
      expect(await store().get(session.id)).toBeUndefined();
      expect(await store().delete(session.id, session.uuid)).toBe(false);
      expect(await store().delete(randomUUID(), session.uuid)).toBe(false);
    });

    test("sessionsOf lists a user's live sessions oldest first, and only that user's", async () => {
      const user = randomUUID();
      const sessions = [0, 1, 2].map((index) => newSession(clock(), { uuid: user, createdAt: clock().now() + index }));
      const someoneElse = newSession(clock());
      for (const session of [sessions[2]!, someoneElse, sessions[0]!, sessions[1]!]) await store().create(session);
      expect(await store().sessionsOf(user)).toEqual(sessions.map((session) => session.id));
      expect(await store().sessionsOf(someoneElse.uuid)).toEqual([someoneElse.id]);
      expect(await store().sessionsOf(randomUUID())).toEqual([]);
    });

    test('sessionsOf forgets deleted and expired sessions', async () => {
      const user = randomUUID();
      const short = newSession(clock(), { uuid: user, expiresAt: clock().now() + MINUTE });
      const [ended, kept] = [newSession(clock(), { uuid: user }), newSession(clock(), { uuid: user, createdAt: clock().now() + 1 })];
      for (const session of [short, ended, kept]) await store().create(session);
      await store().delete(ended.id, user);
      expect(await store().sessionsOf(user)).toEqual([short.id, kept.id]);
      clock().advance(MINUTE);
      expect(await store().sessionsOf(user)).toEqual([kept.id]);
      await store().delete(kept.id, user);
      expect(await store().sessionsOf(user)).toEqual([]);
    });

    test("concurrent logins of one user are all listed (the user's list is patched, not rewritten)", async () => {
      const user = randomUUID();
      const sessions = Array.from({ length: 12 }, (_, index) => newSession(clock(), { uuid: user, createdAt: clock().now() + index }));
      await inParallel(sessions.length, (index) => store().create(sessions[index]!));
      expect(await store().sessionsOf(user)).toEqual(sessions.map((session) => session.id));
    });

    test('sessions do not affect one another', async () => {
      const alice = newSession(clock());
      const bob = newSession(clock(), { name: 'Bob', expiresAt: clock().now() + 5 * MINUTE });
      await store().create(alice);
      await store().create(bob);
      await store().delete(alice.id, alice.uuid);
      expect(await store().get(bob.id)).toStrictEqual(bob);
      clock().advance(5 * MINUTE);
      await store().create(alice);
      expect(await store().get(alice.id)).toStrictEqual(alice);
      expect(await store().get(bob.id)).toBeUndefined();
    });

    test('concurrent creates of one id leave exactly one of the written sessions', async () => {
      const id = randomUUID();
      const written = Array.from({ length: 16 }, (_, index) => newSession(clock(), { id, name: `writer ${index}` }));
      await inParallel(written.length, (index) => store().create(written[index]!));
      const stored = await store().get(id);
      expect(written).toContainEqual(stored);
    });

    test('concurrent creates of many ids are all readable', async () => {
      const sessions = Array.from({ length: 40 }, () => newSession(clock()));
      await inParallel(sessions.length, (index) => store().create(sessions[index]!));
      expect(await inParallel(sessions.length, (index) => store().get(sessions[index]!.id))).toStrictEqual(sessions);
    });

    test('ping resolves while the store is usable', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
  });
}

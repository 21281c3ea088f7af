import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/clock.ts';
import { CosmosSessionStore } from '../../src/adapters/cosmos/cosmos-session-store.ts';
import type { Session } from '../../src/ports/session-store.ts';
import { observedCosmos } from '../../../../test-support/cosmos/observed-cosmos.ts';

const MINUTE = 60_000;
const clock = new ManualClock();
const cosmos = observedCosmos();
const { observe } = cosmos;

/** A session store on a connection of its own, as a new replica opens it. */
async function openSessionStore(): Promise<CosmosSessionStore> {
  const { connection } = await cosmos.connect();
  const sessions = new CosmosSessionStore(connection, clock);
  connection.release();
  return sessions;
}

function newSession(): Session {
  const now = clock.now();
  return { id: randomUUID(), uuid: randomUUID(), subject: 's', uid: 'u', name: 'n', authSource: { name: 'h', code: 'c' }, createdAt: now, expiresAt: now + 90 * MINUTE };
}

test('SessionStore calls are point requests reported with their charges: get one; create and delete also patch the user\'s list', async () => {
  const sessions = await openSessionStore();
  const session = newSession();
  const doc = `/dbs/signal/colls/sessions/docs/${session.id}`;
  const list = `/dbs/signal/colls/sessions/docs/user:${session.uuid}`;

  // The user's first session creates the list, later ones patch it.
  expect(await observe(() => sessions.create(session))).toEqual({
    requests: ['POST /dbs/signal/colls/sessions/docs', `PATCH ${list}`, 'POST /dbs/signal/colls/sessions/docs'],
    charges: [['session_create', 1], ['session_list_add', 1], ['session_list_add', 1]],
  });
  const second = { ...newSession(), uuid: session.uuid };
  expect(await observe(() => sessions.create(second))).toEqual({ requests: ['POST /dbs/signal/colls/sessions/docs', `PATCH ${list}`], charges: [['session_create', 1], ['session_list_add', 1]] });
  expect(await observe(() => sessions.get(session.id))).toEqual({ requests: [`GET ${doc}`], charges: [['session_get', 1]] });
  expect(await observe(() => sessions.sessionsOf(session.uuid))).toEqual({ requests: [`GET ${list}`], charges: [['session_list_read', 1]] });
  expect(await observe(() => sessions.delete(session.id, session.uuid))).toEqual({ requests: [`DELETE ${doc}`, `PATCH ${list}`], charges: [['session_delete', 1], ['session_list_remove', 1]] });
  expect(await observe(() => sessions.delete(session.id, session.uuid))).toEqual({ requests: [`DELETE ${doc}`, `PATCH ${list}`], charges: [['session_delete', 1], ['session_list_remove', 1]] });
  expect(await observe(() => sessions.ping())).toEqual({ requests: ['GET /dbs/signal/colls/sessions/docs/signal-ping'], charges: [['session_ping', 1]] });
  await sessions.close();
});

test('a stored session carries the point-read id, the partition key, expiresAt and a ttl in seconds', async () => {
  const sessions = await openSessionStore();
  const session = newSession();
  await sessions.create(session);

  const { resource: sessionDocument } = await cosmos.raw().database('signal').container('sessions').item(session.id, session.id).read();
  expect(sessionDocument).toMatchObject({ ...session, ttl: 90 * 60 });
  await sessions.close();
});

test('expiry holds on a server that never purges: an expired item is still stored but not returned', async () => {
  const sessions = await openSessionStore();
  const session = { ...newSession(), expiresAt: clock.now() + 1 };
  await sessions.create(session);
  clock.advance(1);
  expect(await sessions.get(session.id)).toBeUndefined();
  const { resource } = await cosmos.raw().database('signal').container('sessions').item(session.id, session.id).read();
  expect(resource).toMatchObject({ id: session.id, ttl: 1 });
  await sessions.close();
});

test('ids that no item can have are refused on write and absent on read, without a request', async () => {
  const sessions = await openSessionStore();
  for (const id of ['', '../x', 'a/b', 'a?b', 'a#b', 'a%2Fb', 'x'.repeat(121)]) {
    expect(await sessions.get(id)).toBeUndefined();
    expect(await sessions.delete(id, randomUUID())).toBe(false);
    expect(await sessions.sessionsOf(id)).toEqual([]);
    await expect(sessions.create({ ...newSession(), id })).rejects.toThrow('cannot be a Cosmos item id');
  }
  expect(cosmos.server().takeRequests()).toEqual([]);
  await sessions.close();
});

import { randomUUID } from 'node:crypto';
import type { CosmosClient } from '@azure/cosmos';
import { ManualClock } from '../../src/clock.ts';
import { CosmosConnection, createCosmosClient } from '../../src/adapters/cosmos/connection.ts';
import { CosmosSdpStore } from '../../src/adapters/cosmos/cosmos-sdp-store.ts';
import { CosmosSessionStore } from '../../src/adapters/cosmos/cosmos-session-store.ts';
import { openCosmosStores } from '../../src/adapters/cosmos/open-cosmos-stores.ts';
import { OFFER_HISTORY_MS, type SdpRecord } from '../../src/ports/sdp-store.ts';
import type { Session } from '../../src/ports/session-store.ts';
import { type CosmosTestServer, startCosmosServer } from '../../../../test-support/cosmos/cosmos-server.ts';

const MINUTE = 60_000;
let server: CosmosTestServer;
let raw: CosmosClient;
const charges: [string, number][] = [];
const clock = new ManualClock();

beforeAll(async () => {
  server = await startCosmosServer();
  raw = createCosmosClient(server.endpoint, server.key);
  // Created by one client, used below by a fresh one: its caches start as cold as in a new replica.
  const creator = await CosmosConnection.open({ endpoint: server.endpoint, key: server.key, createIfMissing: true });
  creator.release();
});

afterAll(async () => {
  raw.dispose();
  await server.stop();
});

async function openStores() {
  const stores = await openCosmosStores({
    endpoint: server.endpoint,
    key: server.key,
    createIfMissing: false,
    clock,
    onRequestCharge: (op, ru) => charges.push([op, ru]),
  });
  server.takeRequests();
  charges.length = 0;
  return stores;
}

function newSession(): Session {
  const now = clock.now();
  return { id: randomUUID(), uuid: randomUUID(), subject: 's', uid: 'u', name: 'n', authSource: { name: 'h', code: 'c' }, createdAt: now, expiresAt: now + 90 * MINUTE };
}

function newRecord(): SdpRecord {
  const now = clock.now();
  return { room: randomUUID(), type: 'offer', from: randomUUID(), to: randomUUID(), sdp: 'v=0\r\n', shortname: 'room', createdAt: now, expiresAt: now + 5 * MINUTE };
}

/** Runs one store call and returns the HTTP requests it sent and the RU it reported. */
async function observe(call: () => Promise<unknown>): Promise<{ requests: string[]; charges: [string, number][] }> {
  await call();
  const observed = { requests: server.takeRequests(), charges: [...charges] };
  charges.length = 0;
  return observed;
}

test('every SdpStore call on an existing slot is one point request (a patch for writes), reported with its request charge', async () => {
  const { sessions, sdps } = await openStores();
  const record = newRecord();
  const doc = `/dbs/signal/colls/sdps/docs/offer.${record.from}.${record.to}`;
  const waiter = { address: 'signaling-0-abc', until: clock.now() + MINUTE };

  // A slot nobody wrote yet: the patch finds nothing, then the item is created.
  expect(await observe(() => sdps.put(record))).toEqual({ requests: [`PATCH ${doc}`, 'POST /dbs/signal/colls/sdps/docs'], charges: [['sdp_put', 1], ['sdp_put', 1]] });
  expect(await observe(() => sdps.put(record))).toEqual({ requests: [`PATCH ${doc}`], charges: [['sdp_put', 1]] });
  expect(await observe(() => sdps.get(record))).toEqual({ requests: [`GET ${doc}`], charges: [['sdp_get', 1]] });
  expect(await observe(() => sdps.watch(record, waiter))).toEqual({ requests: [`PATCH ${doc}`], charges: [['sdp_watch', 1]] });
  expect(await observe(() => sdps.clear(record))).toEqual({ requests: [`PATCH ${doc}`], charges: [['sdp_clear', 1]] });
  expect(await observe(() => sdps.get(record))).toEqual({ requests: [`GET ${doc}`], charges: [['sdp_get', 1]] });
  expect(await observe(() => sdps.clear(newRecord()))).toMatchObject({ requests: [expect.stringMatching(/^PATCH /)] });
  expect(await observe(() => sdps.ping())).toEqual({ requests: ['GET /dbs/signal/colls/sdps/docs/signal-ping'], charges: [['sdp_ping', 1]] });
  await Promise.all([sessions.close(), sdps.close()]);
});

test('a watch creates the item of a slot this replica never saw (one request), patches one it knows, and falls back either way', async () => {
  const { sessions, sdps } = await openStores();
  const other = await openStores();
  const docs = '/dbs/signal/colls/sdps/docs';
  const waiter = () => ({ address: 'signaling-0-abc', until: clock.now() + MINUTE });

  const fresh = newRecord();
  const doc = `${docs}/offer.${fresh.from}.${fresh.to}`;
  expect(await observe(() => sdps.watch(fresh, waiter()))).toEqual({ requests: [`POST ${docs}`], charges: [['sdp_watch', 1]] });
  expect(await observe(() => sdps.watch(fresh, waiter()))).toEqual({ requests: [`PATCH ${doc}`], charges: [['sdp_watch', 1]] });

  // Written by another replica: the create conflicts and the patch returns the record.
  const posted = newRecord();
  await other.sdps.put(posted);
  server.takeRequests();
  charges.length = 0;
  expect(await observe(() => sdps.watch(posted, waiter()))).toEqual({
    requests: [`POST ${docs}`, `PATCH ${docs}/offer.${posted.from}.${posted.to}`],
    charges: [['sdp_watch', 1], ['sdp_watch', 1]],
  });
  expect(await sdps.watch(posted, waiter())).toEqual(posted);

  // Known here but gone (deleted behind this replica's back): the patch misses and the item is created.
  await raw.database('signal').container('sdps').item(`offer.${fresh.from}.${fresh.to}`, fresh.room).delete();
  server.takeRequests();
  charges.length = 0;
  expect(await observe(() => sdps.watch(fresh, waiter()))).toEqual({ requests: [`PATCH ${doc}`, `POST ${docs}`], charges: [['sdp_watch', 1], ['sdp_watch', 1]] });
  const { resource } = await raw.database('signal').container('sdps').item(`offer.${fresh.from}.${fresh.to}`, fresh.room).read();
  expect(resource.waiters).toEqual({ 'signaling-0-abc': expect.any(Number) });
  await Promise.all([sessions.close(), sdps.close(), other.sessions.close(), other.sdps.close()]);
});

test('a watch on an item whose ttl ends before the wait extends the ttl (Cosmos counts ttl from the last write)', async () => {
  const { sessions, sdps } = await openStores();
  // An answer: an offer's item outlives it by OFFER_HISTORY_MS, longer than this wait.
  const record = { ...newRecord(), type: 'answer' as const, expiresAt: clock.now() + 10_000 };
  const doc = `/dbs/signal/colls/sdps/docs/answer.${record.from}.${record.to}`;
  await sdps.put(record);
  server.takeRequests();
  charges.length = 0;
  const until = Date.now() + 2 * MINUTE;
  expect(await observe(() => sdps.watch(record, { address: 'signaling-1-abc', until }))).toEqual({
    requests: [`PATCH ${doc}`, `PATCH ${doc}`],
    charges: [['sdp_watch', 1], ['sdp_watch', 1]],
  });
  const { resource } = await raw.database('signal').container('sdps').item(`answer.${record.from}.${record.to}`, record.room).read();
  expect(resource._ts + resource.ttl).toBeGreaterThanOrEqual(Math.floor(until / 1000));
  await Promise.all([sessions.close(), sdps.close()]);
});

test('SessionStore calls are point requests reported with their charges: get one; create and delete also patch the user\'s list', async () => {
  const { sessions, sdps } = await openStores();
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
  await Promise.all([sessions.close(), sdps.close()]);
});

test('stored documents carry the point-read id, the partition key, expiresAt and a ttl in seconds', async () => {
  const { sessions, sdps } = await openStores();
  const record = newRecord();
  const session = newSession();
  await sdps.put(record);
  await sessions.create(session);

  const { resource: sdpDocument } = await raw.database('signal').container('sdps').item(`offer.${record.from}.${record.to}`, record.room).read();
  expect(sdpDocument).toMatchObject({ ...record, id: `offer.${record.from}.${record.to}`, waiters: {}, ttl: 300 + OFFER_HISTORY_MS / 1000 });
  const { resource: sessionDocument } = await raw.database('signal').container('sessions').item(session.id, session.id).read();
  expect(sessionDocument).toMatchObject({ ...session, ttl: 90 * 60 });
  await Promise.all([sessions.close(), sdps.close()]);
});

test('expiry holds on a server that never purges: an expired item is still stored but not returned', async () => {
  const { sessions, sdps } = await openStores();
  const session = { ...newSession(), expiresAt: clock.now() + 1 };
  await sessions.create(session);
  clock.advance(1);
  expect(await sessions.get(session.id)).toBeUndefined();
  const { resource } = await raw.database('signal').container('sessions').item(session.id, session.id).read();
  expect(resource).toMatchObject({ id: session.id, ttl: 1 });
  await Promise.all([sessions.close(), sdps.close()]);
});

test('ids that no item can have are refused on write and absent on read, without a request', async () => {
  const { sessions, sdps } = await openStores();
  const record = { ...newRecord(), from: '../sessions/docs/x' };
  for (const id of ['', '../x', 'a/b', 'a?b', 'a#b', 'a%2Fb', 'x'.repeat(121)]) {
    expect(await sessions.get(id)).toBeUndefined();
    expect(await sessions.delete(id, randomUUID())).toBe(false);
    expect(await sessions.sessionsOf(id)).toEqual([]);
    await expect(sessions.create({ ...newSession(), id })).rejects.toThrow('cannot be a Cosmos item id');
  }
  expect(await sdps.get(record)).toBeUndefined();
  await sdps.clear({ ...record, from: 'a.b' });
  expect(await sdps.watch({ ...record, from: 'a.b' }, { address: 'a', until: clock.now() + MINUTE })).toBeUndefined();
  await expect(sdps.put(record)).rejects.toThrow('cannot form a Cosmos item id');
  expect(server.takeRequests()).toEqual([]);
  await Promise.all([sessions.close(), sdps.close()]);
});
